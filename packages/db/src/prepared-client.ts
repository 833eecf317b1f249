import type { Sql } from 'postgres';

/**
 * Makes every query of a postgres.js client a prepared statement, kept per
 * connection. drizzle prepares only the queries given a name; for the others
 * postgres.js first asks the server to describe the statement, then runs it:
 * two round trips for every query with parameters instead of one. Levante's
 * statements are parameterised and few in shape (an IN list makes one shape
 * per length, at most a batch's size), so the connection's cache of
 * statements stays bounded.
 */
export function preparingEveryQuery<T extends Sql>(client: T): T {
  const unsafe = client.unsafe.bind(client);
  const wrapped: Pick<Sql, 'unsafe'> = {
    unsafe: (query, parameters, options) => unsafe(query, parameters, { ...options, prepare: true }),
  };
  Object.assign(client, wrapped);
  // Transactions and savepoints hand their callback a client of their own.
  for (const method of ['begin', 'savepoint'] as const) {
    const original = (client as unknown as Record<string, unknown>)[method];
    if (typeof original !== 'function') continue;
    Object.assign(client, {
      [method]: (...args: unknown[]) => {
        const callback = args.at(-1);
        if (typeof callback === 'function') {
          args[args.length - 1] = (inner: Sql) => callback(preparingEveryQuery(inner));
        }
        return original.apply(client, args);
      },
    });
  }
  return client;
}
