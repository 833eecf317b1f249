import { getTableColumns, getTableName, is, SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * The rows of a many-row INSERT as one parameter: `insert(table).select(
 * recordset(table, rows))` sends the rows as a single JSON document that
 * jsonb_to_recordset unpacks. drizzle builds a VALUES list value by value,
 * which costs more than the statement itself for the batches the engine
 * writes; and the text of this statement is the same whatever the number of
 * rows, so the server prepares it once per connection. Every row gives the
 * same columns; the columns no row gives take their defaults.
 */
export function recordset<T extends PgTable>(table: T, rows: readonly T['$inferInsert'][]): SQL {
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>);
  const given = new Set(rows.flatMap((row) => Object.keys(row)));
  const document = rows.map((row) => {
    const values: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      if (given.has(key)) values[column.name] = (row as Record<string, unknown>)[key] ?? null;
    }
    return values;
  });
  const selected = columns.map(([key, column]) =>
    given.has(key) ? sql`r.${sql.identifier(column.name)}` : defaultOf(table, column),
  );
  const shape = columns
    .filter(([key]) => given.has(key))
    .map(([, column]) => sql.raw(`${JSON.stringify(column.name)} ${column.getSQLType()}`));
  return sql`select ${sql.join(selected, sql`, `)} from jsonb_to_recordset(${JSON.stringify(document)}::jsonb) as r(${sql.join(shape, sql`, `)})`;
}

function defaultOf(table: PgTable, column: PgColumn): SQL {
  if (
    column.columnType === 'PgBigSerial53' ||
    column.columnType === 'PgBigSerial64' ||
    column.columnType === 'PgSerial'
  ) {
    return sql`nextval(pg_get_serial_sequence(${`"${getTableName(table)}"`}, ${column.name}))`;
  }
  const value = column.defaultFn ? column.defaultFn() : column.default;
  if (value === undefined) return sql`null`;
  if (is(value, SQL)) return value;
  return sql`${column.mapToDriverValue(value)}::${sql.raw(column.getSQLType())}`;
}
