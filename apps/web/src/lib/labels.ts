/**
 * Labels (key = value pairs on hosts and machines) as people type them, checked the way the engine
 * checks them (packages/domain/src/labels.ts) so that the console says so before sending.
 */

export type Labels = Record<string, string>;

export const MAX_LABELS = 32;
export const MAX_LABEL_LENGTH = 63;

/** One row of the labels editor; `id` keeps React's rows stable as rows come and go. */
export interface LabelRow {
  readonly id: number;
  readonly key: string;
  readonly value: string;
}

/** Labels as editor rows, sorted by key. */
export function labelRows(labels: Labels): LabelRow[] {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value], id) => ({ id, key, value }));
}

export function nextLabelRow(rows: readonly LabelRow[]): LabelRow {
  return { id: rows.reduce((max, r) => Math.max(max, r.id), -1) + 1, key: '', value: '' };
}

export interface LabelsCheck {
  readonly labels: Labels;
  /** By row id. */
  readonly problems: Readonly<Record<number, string>>;
  /** About the labels as a whole (how many there are). */
  readonly overall: string | null;
}

/**
 * Rows → labels. Keys and values are trimmed; a row left entirely empty is ignored. A key is
 * non-empty, unique and at most 63 characters; a value at most 63; at most 32 labels.
 */
export function labelsFromRows(rows: readonly LabelRow[]): LabelsCheck {
  const labels = new Map<string, string>();
  const problems: Record<number, string> = {};
  for (const row of rows) {
    const key = row.key.trim();
    const value = row.value.trim();
    if (key === '' && value === '') continue;
    if (key === '') problems[row.id] = 'Give this label a key.';
    else if (key.length > MAX_LABEL_LENGTH)
      problems[row.id] = `A key is at most ${MAX_LABEL_LENGTH} characters.`;
    else if (labels.has(key)) problems[row.id] = `The key "${key}" is already used above.`;
    else if (value.length > MAX_LABEL_LENGTH)
      problems[row.id] = `A value is at most ${MAX_LABEL_LENGTH} characters.`;
    else labels.set(key, value);
  }
  const overall = labels.size > MAX_LABELS ? `At most ${MAX_LABELS} labels.` : null;
  return { labels: Object.fromEntries(labels), problems, overall };
}

export function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** `key=value` tags, sorted by key. */
export function labelTags(labels: Labels): string[] {
  return labelRows(labels).map(({ key, value }) => `${key}=${value}`);
}

/**
 * An inventory filter typed as "env=prod, tier=web": the labels a machine must all carry. Null
 * when a part is not `key=value`, with the reason.
 */
export function parseLabelFilter(text: string): { labels: Labels; problem: string | null } {
  const labels: Labels = {};
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const at = trimmed.indexOf('=');
    if (at <= 0) return { labels: {}, problem: `"${trimmed}" is not key=value.` };
    labels[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return { labels, problem: null };
}
