import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type DatabaseHandle, openDatabase } from './database.ts';

/**
 * Test support: every integration test runs on both back ends. PostgreSQL is
 * the machine's own (TEST_DATABASE_URL); each call gets a fresh database,
 * dropped when the handle closes, so test files never see each other's rows.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export type TestDatabaseKind = 'pglite' | 'postgres';
export const TEST_DATABASE_KINDS: readonly TestDatabaseKind[] = ['pglite', 'postgres'];

/** Opens an empty, migrated database of the given kind. */
export async function openTestDatabase(kind: TestDatabaseKind): Promise<DatabaseHandle> {
  if (kind === 'pglite') return openDatabase({});
  const url = await createScratchDatabase();
  const handle = await openDatabase({ url: url.toString(), maxConnections: 20 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await dropScratchDatabase(url);
    },
  };
}

/** Creates an empty PostgreSQL database and returns its URL. */
export async function createScratchDatabase(): Promise<URL> {
  const name = `levante_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    throw new Error(
      `PostgreSQL at ${TEST_DATABASE_URL} is not reachable (${(error as Error).message}). ` +
        'Start it or set TEST_DATABASE_URL.',
    );
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url;
}

export async function dropScratchDatabase(url: URL): Promise<void> {
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${url.pathname.slice(1)} with (force)`);
  } finally {
    await admin.end();
  }
}
