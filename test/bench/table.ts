export type DatabaseKind = 'pglite' | 'postgres';

/** Shown where a cell has nothing to say. */
const NONE = '—';

export interface Target {
  readonly op: '>=' | '<';
  readonly value: number;
}

/** One line of the results table. */
export interface BenchmarkRow {
  readonly benchmark: string;
  /** '—' for a benchmark that uses no database. */
  readonly database: DatabaseKind | typeof NONE;
  readonly value: number;
  readonly unit: string;
  /** What the result must reach; rows without one only inform. */
  readonly target?: Target;
}

const DATABASE_LABELS: Record<DatabaseKind | typeof NONE, string> = {
  pglite: 'PGlite',
  postgres: 'PostgreSQL',
  [NONE]: NONE,
};

export function meetsTarget(row: BenchmarkRow): boolean | null {
  if (!row.target) return null;
  return row.target.op === '>=' ? row.value >= row.target.value : row.value < row.target.value;
}

/** A number for people: thousands separated, with fewer decimals as it grows. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return NONE;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const COLUMNS = ['benchmark', 'database', 'result', 'unit', 'target', 'meets target?'] as const;
/** Columns whose content is right-aligned. */
const NUMERIC = new Set<number>([2]);

/** The rows as one plain-text table with aligned columns, in the order given. */
export function formatTable(rows: readonly BenchmarkRow[]): string {
  const cells = rows.map((row) => {
    const met = meetsTarget(row);
    return [
      row.benchmark,
      DATABASE_LABELS[row.database],
      formatNumber(row.value),
      row.unit,
      row.target ? `${row.target.op} ${formatNumber(row.target.value)}` : NONE,
      met === null ? NONE : met ? 'yes' : 'no',
    ];
  });
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const render = (line: readonly string[]) =>
    line
      .map((cell, i) => (NUMERIC.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('-+-');
  return [render(COLUMNS), rule, ...cells.map(render)].join('\n');
}
