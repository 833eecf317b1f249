import type { HostLabels } from '@/graphql/admin';

/**
 * A host's allocation ratios and labels as the admin types them, checked the way the engine checks
 * them (packages/engine/src/hosts/host.commands.ts) so that the console says so before sending.
 */

export const RATIO_MIN = 0.1;
export const RATIO_MAX = 64;
export const MAX_LABELS = 32;
export const MAX_LABEL_LENGTH = 63;

export type RatioKey = 'cpuAllocationRatio' | 'ramAllocationRatio' | 'diskAllocationRatio';

/** The three ratios, with what the server gives a host registered without them. */
export const RATIOS: readonly { key: RatioKey; label: string; serverDefault: number }[] = [
  { key: 'cpuAllocationRatio', label: 'CPU', serverDefault: 4 },
  { key: 'ramAllocationRatio', label: 'RAM', serverDefault: 1 },
  { key: 'diskAllocationRatio', label: 'Disk', serverDefault: 1 },
];

export type RatioTexts = Record<RatioKey, string>;
export const NO_RATIOS: RatioTexts = {
  cpuAllocationRatio: '',
  ramAllocationRatio: '',
  diskAllocationRatio: '',
};

/**
 * 4 → "4", 1.5 → "1.5", 1.100000023841858 (the float4 the database keeps for 1.1) → "1.1": six
 * significant digits, which a float4 holds exactly.
 */
export function formatRatio(ratio: number): string {
  return String(Number(ratio.toPrecision(6)));
}

/** Equal but for the float4 the database rounds a ratio to. */
export function sameRatio(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** A ratio as typed: null when left empty, else the number or a sentence saying what is wrong. */
export function parseRatio(text: string): { value: number | null; problem: string | null } {
  const t = text.trim();
  if (t === '') return { value: null, problem: null };
  const n = Number(t);
  if (!Number.isFinite(n)) return { value: null, problem: 'A number, e.g. 1.5.' };
  if (n < RATIO_MIN) return { value: null, problem: `An allocation ratio is at least ${RATIO_MIN}.` };
  if (n > RATIO_MAX) return { value: null, problem: `An allocation ratio is at most ${RATIO_MAX}.` };
  return { value: n, problem: null };
}

/** `required`: an empty field is a problem (editing); else it means the server's default. */
export function checkRatios(
  texts: RatioTexts,
  required: boolean,
): { values: Partial<Record<RatioKey, number>>; problems: Partial<Record<RatioKey, string>> } {
  const values: Partial<Record<RatioKey, number>> = {};
  const problems: Partial<Record<RatioKey, string>> = {};
  for (const { key } of RATIOS) {
    const { value, problem } = parseRatio(texts[key]);
    if (problem) problems[key] = problem;
    else if (value !== null) values[key] = value;
    else if (required) problems[key] = `Give a ratio from ${RATIO_MIN} to ${RATIO_MAX}.`;
  }
  return { values, problems };
}

/** One row of the labels editor; `id` keeps React's rows stable as rows come and go. */
export interface LabelRow {
  readonly id: number;
  readonly key: string;
  readonly value: string;
}

/** A host's labels as editor rows, sorted by key. */
export function labelRows(labels: HostLabels): LabelRow[] {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value], id) => ({ id, key, value }));
}

export function nextLabelRow(rows: readonly LabelRow[]): LabelRow {
  return { id: rows.reduce((max, r) => Math.max(max, r.id), -1) + 1, key: '', value: '' };
}

export interface LabelsCheck {
  readonly labels: HostLabels;
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
  const overall = labels.size > MAX_LABELS ? `A host has at most ${MAX_LABELS} labels.` : null;
  return { labels: Object.fromEntries(labels), problems, overall };
}

export function sameLabels(a: HostLabels, b: HostLabels): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** `key=value` tags, sorted by key. */
export function labelTags(labels: HostLabels): string[] {
  return labelRows(labels).map(({ key, value }) => `${key}=${value}`);
}

export interface HostSettings {
  readonly cpuAllocationRatio: number;
  readonly ramAllocationRatio: number;
  readonly diskAllocationRatio: number;
  readonly labels: HostLabels;
}

export interface HostDraft {
  readonly ratios: RatioTexts;
  readonly labels: readonly LabelRow[];
}

export function draftOf(host: HostSettings): HostDraft {
  return {
    ratios: {
      cpuAllocationRatio: formatRatio(host.cpuAllocationRatio),
      ramAllocationRatio: formatRatio(host.ramAllocationRatio),
      diskAllocationRatio: formatRatio(host.diskAllocationRatio),
    },
    labels: labelRows(host.labels),
  };
}

export type HostChanges = Partial<Record<RatioKey, number>> & { labels?: HostLabels };

export interface HostEdit {
  /** Only what differs from the host: what `updateHost` is sent. */
  readonly changes: HostChanges;
  readonly ratioProblems: Partial<Record<RatioKey, string>>;
  readonly labels: LabelsCheck;
  readonly valid: boolean;
}

/** What the edit form would change on the host, or why it cannot. */
export function hostEdit(host: HostSettings, draft: HostDraft): HostEdit {
  const ratios = checkRatios(draft.ratios, true);
  const labels = labelsFromRows(draft.labels);
  const changes: HostChanges = {};
  for (const { key } of RATIOS) {
    const value = ratios.values[key];
    if (value !== undefined && !sameRatio(value, host[key])) changes[key] = value;
  }
  if (!sameLabels(labels.labels, host.labels)) changes.labels = labels.labels;
  const valid =
    Object.keys(ratios.problems).length === 0 &&
    Object.keys(labels.problems).length === 0 &&
    labels.overall === null;
  return { changes, ratioProblems: ratios.problems, labels, valid };
}

/** "CPU ratio 6, labels rack=r1" — for the notice once saved. */
export function describeChanges(changes: HostChanges): string {
  const parts: string[] = [];
  for (const { key, label } of RATIOS) {
    const value = changes[key];
    if (value !== undefined) parts.push(`${label} ratio ${formatRatio(value)}`);
  }
  if (changes.labels) {
    const tags = labelTags(changes.labels);
    parts.push(tags.length > 0 ? `labels ${tags.join(', ')}` : 'no labels');
  }
  return parts.join(', ');
}
