import type { JsonObject } from '@/graphql/types';

/** One input of a form generated from a connector's JSON Schema (flat objects of scalars). */
export interface SchemaField {
  readonly name: string;
  readonly label: string;
  readonly description: string | null;
  readonly kind: 'text' | 'secret' | 'number' | 'integer' | 'boolean' | 'choice';
  readonly required: boolean;
  readonly choices: readonly string[];
  readonly minLength: number | null;
  readonly maxLength: number | null;
  readonly minimum: number | null;
  readonly maximum: number | null;
  readonly pattern: string | null;
  readonly defaultValue: string | boolean | null;
}

const SECRET = /secret|password|token|private|credential|key$/i;

function record(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}
const num = (v: unknown) => (typeof v === 'number' ? v : null);
const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** "accessKeyId" → "Access key id" */
export function humanise(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function fieldsOf(schema: JsonObject): SchemaField[] {
  const properties = record(schema.properties);
  const required = Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : [];
  return Object.entries(properties).map(([name, raw]) => {
    const p = record(raw);
    const type = str(p.type);
    const choices = Array.isArray(p.enum) ? p.enum.map(String) : [];
    const kind: SchemaField['kind'] =
      choices.length > 0
        ? 'choice'
        : type === 'boolean'
          ? 'boolean'
          : type === 'integer'
            ? 'integer'
            : type === 'number'
              ? 'number'
              : p.writeOnly === true || p.format === 'password' || SECRET.test(name)
                ? 'secret'
                : 'text';
    const fallback = p.default;
    return {
      name,
      label: str(p.title) ?? humanise(name),
      description: str(p.description),
      kind,
      required: required.includes(name),
      choices,
      minLength: num(p.minLength),
      maxLength: num(p.maxLength),
      minimum: num(p.minimum),
      maximum: num(p.maximum),
      pattern: str(p.pattern),
      defaultValue: typeof fallback === 'string' || typeof fallback === 'boolean' ? fallback : null,
    };
  });
}

export type FormValues = Record<string, string | boolean>;

/** What is wrong with each field, by name; empty when the values can be sent. */
export function problemsOf(fields: readonly SchemaField[], values: FormValues): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind === 'boolean') continue;
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') {
      if (field.required) problems[field.name] = `${field.label} is required.`;
      continue;
    }
    if (field.kind === 'integer' || field.kind === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n) || (field.kind === 'integer' && !Number.isInteger(n)))
        problems[field.name] =
          `${field.label} must be ${field.kind === 'integer' ? 'a whole number' : 'a number'}.`;
      else if (field.minimum !== null && n < field.minimum)
        problems[field.name] = `${field.label} must be at least ${field.minimum}.`;
      else if (field.maximum !== null && n > field.maximum)
        problems[field.name] = `${field.label} must be at most ${field.maximum}.`;
      continue;
    }
    if (field.minLength !== null && text.length < field.minLength)
      problems[field.name] = `${field.label} needs at least ${field.minLength} characters.`;
    else if (field.maxLength !== null && text.length > field.maxLength)
      problems[field.name] = `${field.label} can have at most ${field.maxLength} characters.`;
    else if (field.pattern !== null && !new RegExp(field.pattern, 'u').test(text))
      problems[field.name] = `${field.label} does not have the expected form.`;
  }
  return problems;
}

/** The credentials object to send: typed values, empty optional fields left out. */
export function valuesToJson(fields: readonly SchemaField[], values: FormValues): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.kind === 'boolean') {
      if (typeof value === 'boolean') out[field.name] = value;
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') continue;
    out[field.name] = field.kind === 'integer' || field.kind === 'number' ? Number(text) : text;
  }
  return out;
}
