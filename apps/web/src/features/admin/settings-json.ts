import type { JsonObject } from '@/graphql/types';

/** Connector settings typed as JSON: an object, or nothing; the problem, for the field, otherwise. */
export function parseSettings(text: string): { value: JsonObject | null; problem: string | null } {
  if (!text.trim()) return { value: null, problem: null };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { value: null, problem: 'Settings are a JSON object, e.g. {"driver": "sim"}.' };
    return { value: parsed as JsonObject, problem: null };
  } catch {
    return { value: null, problem: 'This is not valid JSON.' };
  }
}
