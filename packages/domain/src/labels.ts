import { z } from 'zod';

/** Key = value pairs people put on hosts and machines, to match (scheduler) and to filter (inventory). */
export type Labels = Readonly<Record<string, string>>;

export const MAX_LABELS = 32;
export const MAX_LABEL_LENGTH = 63;

export const labelsSchema = z
  .record(
    z
      .string()
      .min(1, 'A label key cannot be empty.')
      .max(MAX_LABEL_LENGTH, `A label key has at most ${MAX_LABEL_LENGTH} characters.`),
    z.string().max(MAX_LABEL_LENGTH, `A label value has at most ${MAX_LABEL_LENGTH} characters.`),
  )
  .refine((labels) => Object.keys(labels).length <= MAX_LABELS, `At most ${MAX_LABELS} labels.`);

/**
 * The tags of a provider that can be labels, by key: those whose key and
 * value fit, the first `MAX_LABELS` of them.
 */
export function labelsFromTags(tags: Readonly<Record<string, string>> | undefined): Labels {
  const fitting = Object.entries(tags ?? {})
    .filter(
      ([key, value]) => key.length > 0 && key.length <= MAX_LABEL_LENGTH && value.length <= MAX_LABEL_LENGTH,
    )
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, MAX_LABELS);
  return Object.fromEntries(fitting);
}
