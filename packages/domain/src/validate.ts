import type { z } from 'zod';
import { badInput } from './errors.ts';
// Installs the messages people read in place of zod's defaults, wherever validation runs.
import './validation-messages.ts';

/** Parses `value` with `schema`, or throws BAD_USER_INPUT naming the first field at fault. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, field?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [field, ...(issue?.path ?? []).map(String)].filter((p) => p !== undefined && p !== '');
  throw badInput(path.join('.') || 'input', issue?.message ?? 'This value is not valid.');
}
