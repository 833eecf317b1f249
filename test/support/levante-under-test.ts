import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, dropScratchDatabase, type TestDatabaseKind } from '@levante/db/testing';
import pino from 'pino';
import { loadConfig } from '../../apps/api/src/config.ts';
import { type RunningLevante, startLevante } from '../../apps/api/src/server/levante-server.ts';
import { dataOf, gql } from './graphql-client.ts';
import { TEST_REDIS_URL } from './redis.ts';

export const ADMIN_PASSWORD = 'admin password for tests';

export interface LevanteUnderTest {
  readonly kind: TestDatabaseKind;
  readonly home: string;
  /** The PostgreSQL database's URL; null on PGlite. */
  readonly databaseUrl: string | null;
  /** Null between stop() and start(). */
  running: RunningLevante | null;
  readonly url: string;
  /** Starts (again) on the same data: PGlite directory or PostgreSQL database. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops and deletes every trace. */
  destroy(): Promise<void>;
}

/**
 * A real Levante server on 127.0.0.1 with a random port, on a fresh PGlite
 * directory or a fresh PostgreSQL database, as the CLI would start it. On
 * PostgreSQL it runs as in production, with the Redis event bus: every
 * end-to-end test of events and subscriptions covers both buses.
 */
export interface UnderTestOptions {
  /** Seed the local provider with the simulated site of a fresh install (default: no). */
  readonly seedSite?: boolean;
  /** More configuration, as environment variables (REDIS_URL, LEVANTE_WORKER…). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Workers poll providers often in tests: the simulator converges in milliseconds. */
const FAST_POLLING = { initialMs: 10, maxMs: 100, timeoutMs: 30_000 };

export async function levanteUnderTest(
  kind: TestDatabaseKind,
  options: UnderTestOptions = {},
): Promise<LevanteUnderTest> {
  const home = mkdtempSync(join(tmpdir(), 'levante-test-'));
  const databaseUrl = kind === 'postgres' ? await createScratchDatabase() : null;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LEVANTE_HOME: home,
    LEVANTE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    LEVANTE_SEED_SITE: options.seedSite ? 'true' : 'false',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl.toString(), REDIS_URL: TEST_REDIS_URL } : {}),
    ...options.env,
  });
  let port = 0;
  const subject: LevanteUnderTest = {
    kind,
    home,
    databaseUrl: databaseUrl?.toString() ?? null,
    running: null,
    get url() {
      if (!subject.running) throw new Error('Levante is not running');
      return subject.running.url;
    },
    async start() {
      // Restart on the same port, so that clients keep their URL.
      subject.running = await startLevante({ ...config, port }, pino({ level: 'silent' }), {
        worker: { polling: FAST_POLLING, idlePollMs: 100 },
      });
      port = Number(new URL(subject.running.url).port);
    },
    async stop() {
      await subject.running?.close();
      subject.running = null;
    },
    async destroy() {
      await subject.stop();
      if (databaseUrl) await dropScratchDatabase(databaseUrl);
      rmSync(home, { recursive: true, force: true });
    },
  };
  await subject.start();
  return subject;
}

/** A session token of the first admin, created with ADMIN_PASSWORD. */
export async function adminToken(levante: LevanteUnderTest): Promise<string> {
  const response = await gql<{ login: { token: string } }>(
    levante.url,
    'mutation L($p: String!) { login(input: { username: "admin", password: $p }) { token } }',
    { p: ADMIN_PASSWORD },
  );
  return dataOf(response).login.token;
}
