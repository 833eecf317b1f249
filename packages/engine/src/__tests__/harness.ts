import { randomBytes } from 'node:crypto';
import { ConnectorRegistry } from '@levante/connector-api';
import type { DatabaseHandle } from '@levante/db';
import { openTestDatabase, type TestDatabaseKind } from '@levante/db/testing';
import type { Actor, ErrorCode } from '@levante/domain';
import { LevanteError } from '@levante/domain';
import pino from 'pino';
import { expect } from 'vitest';
import { createEngine, type Engine } from '../engine.ts';
import { InProcessEventBus } from '../event-bus/in-process-event-bus.ts';
import { MemoryLoginThrottle } from '../identity/login-throttle.ts';

export const PASSWORD = 'correct horse battery';

export interface Harness {
  readonly handle: DatabaseHandle;
  readonly engine: Engine;
  readonly admin: Actor;
  /** Creates a user (password PASSWORD, no change forced) and logs them in. */
  user(username: string): Promise<Actor>;
  close(): Promise<void>;
}

export async function openHarness(kind: TestDatabaseKind): Promise<Harness> {
  const handle = await openTestDatabase(kind);
  const bus = new InProcessEventBus();
  const engine = createEngine({
    db: handle.db,
    bus,
    logger: pino({ level: 'silent' }),
    registry: new ConnectorRegistry(),
    masterKey: randomBytes(32),
    dataDir: null,
    loginThrottle: new MemoryLoginThrottle({ maxFailures: 5, windowMs: 60_000 }),
  });
  await engine.ensureFirstAdmin(PASSWORD);
  const admin = (await engine.auth.login({ username: 'admin', password: PASSWORD }, 'test')).actor;
  return {
    handle,
    engine,
    admin,
    async user(username) {
      await engine.users.create(admin, { username, password: PASSWORD, mustChangePassword: false });
      return (await engine.auth.login({ username, password: PASSWORD }, 'test')).actor;
    },
    close: async () => {
      await engine.close();
      await bus.close();
      await handle.close();
    },
  };
}

/** Asserts that `promise` fails with a LevanteError of `code` whose message matches. */
export async function expectError(
  promise: Promise<unknown>,
  code: ErrorCode,
  message?: RegExp,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(LevanteError);
  expect((error as LevanteError).code).toBe(code);
  if (message) expect((error as LevanteError).message).toMatch(message);
}
