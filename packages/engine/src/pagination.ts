import { badInput, validate } from '@levante/domain';
import { type AnyColumn, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';

export interface PageArgs {
  readonly first?: number | null | undefined;
  readonly after?: string | null | undefined;
}

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

export interface Page<T> {
  readonly edges: readonly Edge<T>[];
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
  readonly totalCount: number;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const firstSchema = z
  .number()
  .int()
  .min(1, 'Ask for at least 1 item.')
  .max(MAX_PAGE_SIZE, `Ask for at most ${MAX_PAGE_SIZE} items per page.`);

export function pageSize(args: PageArgs): number {
  return args.first == null ? DEFAULT_PAGE_SIZE : validate(firstSchema, args.first, 'first');
}

/** A cursor is the sort key of the last row seen, opaque to clients. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  const invalid = () =>
    badInput('after', 'This cursor is not valid; use a cursor returned by a previous page.');
  if (cursor.length > 500) throw invalid();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(key) || key.length !== shape.length) throw invalid();
  key.forEach((value, i) => {
    if (typeof value !== shape[i]) throw invalid();
  });
  return key as (string | number)[];
}

/** Builds a page from `size + 1` fetched rows: the extra row only tells there is more. */
export function toPage<R, T>(
  rows: readonly R[],
  size: number,
  totalCount: number,
  keyOf: (row: R) => readonly (string | number)[],
  nodeOf: (row: R) => T,
): Page<T> {
  const visible = rows.slice(0, size);
  const edges = visible.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: nodeOf(row) }));
  return {
    edges,
    hasNextPage: rows.length > size,
    endCursor: edges.at(-1)?.cursor ?? null,
    totalCount,
  };
}

/**
 * The keyset condition "after this cursor" for a multi-column sort order.
 * Timestamps are stored at millisecond precision so that a cursor made from a
 * JavaScript Date matches its row exactly.
 */
export function keysetAfter(
  columns: readonly AnyColumn[],
  key: readonly (string | number)[],
  direction: 'asc' | 'desc',
): SQL {
  const left = sql.join(
    columns.map((c) => sql`${c}`),
    sql`, `,
  );
  const right = sql.join(
    key.map((v, i) => sql`${v}::${sql.raw(pgTypeOf(columns[i]!))}`),
    sql`, `,
  );
  return direction === 'asc' ? sql`(${left}) > (${right})` : sql`(${left}) < (${right})`;
}

function pgTypeOf(column: AnyColumn): string {
  return column.getSQLType();
}
