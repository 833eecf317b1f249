import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validate } from '../validate.ts';

const refusal = (schema: z.ZodType, value: unknown) => {
  try {
    validate(schema, value, 'field');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('what a person reads when a value is refused', () => {
  it('says what is expected, in words, for the checks schemas leave unworded', () => {
    expect(refusal(z.string().max(64), 'x'.repeat(65))).toBe('At most 64 characters.');
    expect(refusal(z.string().min(1), '')).toBe('This cannot be empty.');
    expect(refusal(z.string().min(3), 'ab')).toBe('At least 3 characters.');
    expect(refusal(z.number().int().max(4096), 5000)).toBe('At most 4096.');
    expect(refusal(z.number().positive(), 0)).toBe('More than 0.');
    expect(refusal(z.number().int(), 1.5)).toBe('Expected a whole number.');
    expect(refusal(z.number(), 'ten')).toBe('Expected a number.');
    expect(refusal(z.object({ name: z.string() }), {})).toBe('This is required.');
    expect(refusal(z.array(z.string()).max(2), ['a', 'b', 'c'])).toBe('At most 2 items.');
    expect(refusal(z.uuid(), 'nope')).toBe('This is not a valid ID.');
    expect(refusal(z.url(), 'nope')).toBe('This is not a valid URL.');
    expect(refusal(z.string().regex(/^a/), 'b')).toBe('This is not in the expected format.');
    expect(refusal(z.enum(['kvm', 'xen']), 'esx')).toBe('Expected one of kvm, xen.');
    expect(refusal(z.strictObject({}), { extra: 1 })).toBe('Unknown field: extra.');
    expect(refusal(z.record(z.string().min(1), z.string()), { '': 'x' })).toBe('This cannot be empty.');
  });

  it("keeps a schema's own message", () => {
    expect(refusal(z.string().max(3, 'A code has at most 3 letters.'), 'abcd')).toBe(
      'A code has at most 3 letters.',
    );
  });
});
