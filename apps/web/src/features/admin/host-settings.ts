import {
  type LabelRow,
  type Labels,
  type LabelsCheck,
  labelRows,
  labelsFromRows,
  labelTags,
  sameLabels,
} from '../../lib/labels';

/**
 * A host's allocation ratios and labels as the admin types them, checked the way the engine checks
 * them (packages/engine/src/hosts/host.commands.ts) so that the console says so before sending.
 */

export const RATIO_MIN = 0.1;
export const RATIO_MAX = 64;

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

export interface HostSettings {
  readonly cpuAllocationRatio: number;
  readonly ramAllocationRatio: number;
  readonly diskAllocationRatio: number;
  readonly labels: Labels;
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

export type HostChanges = Partial<Record<RatioKey, number>> & { labels?: Labels };

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
