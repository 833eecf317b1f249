import { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  bigint: 'a whole number',
  date: 'a date',
};

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  uuid: 'This is not a valid ID.',
  guid: 'This is not a valid ID.',
  email: 'This is not a valid email address.',
  url: 'This is not a valid URL.',
  ipv4: 'This is not a valid IPv4 address.',
  ipv6: 'This is not a valid IPv6 address.',
  datetime: 'This is not a valid date and time.',
};

const bound = (value: unknown) => (typeof value === 'bigint' ? value.toString() : String(value));

function sizeMessage(issue: Issue & { code: 'too_big' | 'too_small' }): string | undefined {
  const most = issue.code === 'too_big';
  const limit = bound(most ? issue.maximum : issue.minimum);
  const exclusive = issue.inclusive === false;
  switch (issue.origin) {
    case 'string':
      if (!most && limit === '1') return 'This cannot be empty.';
      return `${most ? 'At most' : 'At least'} ${limit} characters.`;
    case 'array':
    case 'set':
      return `${most ? 'At most' : 'At least'} ${limit} items.`;
    case 'number':
    case 'int':
    case 'bigint':
      if (exclusive) return `${most ? 'Less' : 'More'} than ${limit}.`;
      return `${most ? 'At most' : 'At least'} ${limit}.`;
    default:
      return undefined;
  }
}

/**
 * Zod's own messages are for programmers ("Too big: expected string to have
 * <=64 characters"); these are for people ("At most 64 characters."). A
 * schema's own message still wins: this only replaces the defaults. The field
 * at fault travels beside the message (BAD_USER_INPUT's `field`).
 */
export function personMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'This is required.';
      return `Expected ${TYPE_NAMES[issue.expected] ?? issue.expected}.`;
    case 'too_big':
    case 'too_small':
      return sizeMessage(issue);
    case 'invalid_format':
      return FORMAT_NAMES[issue.format] ?? 'This is not in the expected format.';
    case 'invalid_value':
      return `Expected one of ${issue.values.map((v) => bound(v)).join(', ')}.`;
    case 'unrecognized_keys':
      return `Unknown ${issue.keys.length === 1 ? 'field' : 'fields'}: ${issue.keys.join(', ')}.`;
    case 'invalid_key':
    case 'invalid_element':
      // A record's key or a map's element: what was wrong with it is the inner issue.
      return issue.issues[0]?.message;
    case 'not_multiple_of':
      return `Expected a multiple of ${bound(issue.divisor)}.`;
    default:
      return undefined;
  }
}

z.config({ customError: personMessage });
