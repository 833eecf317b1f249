import { type Column, type SQL, sql } from 'drizzle-orm';

/**
 * `column = any($1)`, the values sent as one array parameter. Unlike
 * `inArray`, whose statement text has one placeholder per value, the text is
 * the same whatever the number of values: one prepared statement serves every
 * batch size instead of one per size.
 */
export function anyOf(column: Column | SQL, values: readonly unknown[]): SQL {
  return sql`${column} = any(${sql.param(values)})`;
}
