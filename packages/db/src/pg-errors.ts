/** PostgreSQL error codes we act on; both drivers expose them as `code`. */
const UNIQUE_VIOLATION = '23505';

interface PgErrorLike {
  code?: unknown;
  constraint?: unknown;
  constraint_name?: unknown;
  cause?: unknown;
}

function pgError(error: unknown): PgErrorLike | undefined {
  // drizzle wraps driver errors; the driver's own error is the cause.
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const candidate = current as PgErrorLike;
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/** The constraint name when `error` is a unique violation, else undefined. */
export function uniqueViolation(error: unknown): string | undefined {
  const pg = pgError(error);
  if (pg?.code !== UNIQUE_VIOLATION) return undefined;
  const name = pg.constraint ?? pg.constraint_name;
  return typeof name === 'string' ? name : '';
}
