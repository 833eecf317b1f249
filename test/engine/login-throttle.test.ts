import { randomBytes } from 'node:crypto';
import { LevanteError } from '@levante/domain';
import {
  connectRedis,
  type LoginThrottle,
  MemoryLoginThrottle,
  type RedisClient,
  RedisLoginThrottle,
  redisNamespaceFor,
} from '@levante/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../support/redis.ts';

const OPTIONS = { maxFailures: 3, windowMs: 60_000 };
const fail = (error: unknown) => {
  throw error;
};

let redis: RedisClient;
beforeAll(async () => {
  redis = await connectRedis(TEST_REDIS_URL, () => {});
});
afterAll(() => redis?.close());

/** A clock the test moves; each installation gets a namespace of its own. */
function clock() {
  let now = Date.UTC(2026, 10, 25, 9, 0, 0);
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function refusal(throttle: LoginThrottle, client: string): Promise<LevanteError | null> {
  try {
    await throttle.assertAllowed(client);
    return null;
  } catch (error) {
    if (error instanceof LevanteError) return error;
    throw error;
  }
}

const KINDS: Record<string, (now: () => number) => LoginThrottle> = {
  memory: (now) => new MemoryLoginThrottle(OPTIONS, now),
  Redis: (now) => new RedisLoginThrottle(redis, redisNamespaceFor(randomBytes(32)), fail, OPTIONS, now),
};

describe.each(Object.keys(KINDS))('the %s login throttle', (kind) => {
  it('refuses a client after too many failures, says when to retry, and lets it in once they are old', async () => {
    const time = clock();
    const throttle = KINDS[kind]!(time.now);
    for (let i = 0; i < OPTIONS.maxFailures; i++) {
      expect(await refusal(throttle, '192.0.2.1')).toBeNull();
      await throttle.recordFailure('192.0.2.1');
      time.advance(10_000);
    }
    const refused = await refusal(throttle, '192.0.2.1');
    expect(refused?.code).toBe('RATE_LIMITED');
    // The first failure was 30 s ago: it leaves the 60 s window in 30 s.
    expect(refused?.retryAfterSeconds).toBe(30);
    expect(refused?.message).toBe('Too many failed logins from your address. Try again in 30 seconds.');
    expect(await refusal(throttle, '192.0.2.2')).toBeNull();
    time.advance(30_001);
    expect(await refusal(throttle, '192.0.2.1')).toBeNull();
  });
});

describe('the Redis login throttle', () => {
  it('counts the failures of every process of an installation together, and of no other installation', async () => {
    const time = clock();
    const namespace = redisNamespaceFor(randomBytes(32));
    const [first, second] = [0, 1].map(
      () => new RedisLoginThrottle(redis, namespace, fail, OPTIONS, time.now),
    );
    const elsewhere = new RedisLoginThrottle(
      redis,
      redisNamespaceFor(randomBytes(32)),
      fail,
      OPTIONS,
      time.now,
    );
    await first!.recordFailure('198.51.100.7');
    await second!.recordFailure('198.51.100.7');
    await first!.recordFailure('198.51.100.7');
    expect((await refusal(second!, '198.51.100.7'))?.code).toBe('RATE_LIMITED');
    expect(await refusal(elsewhere, '198.51.100.7')).toBeNull();
  });

  it('keeps throttling, on its own count, while Redis cannot be reached, and says so', async () => {
    const time = clock();
    const lost = await connectRedis(TEST_REDIS_URL, () => {});
    await lost.close();
    const errors: unknown[] = [];
    const throttle = new RedisLoginThrottle(
      lost,
      redisNamespaceFor(randomBytes(32)),
      (e) => errors.push(e),
      OPTIONS,
      time.now,
    );
    for (let i = 0; i < OPTIONS.maxFailures; i++) {
      expect(await refusal(throttle, '203.0.113.9')).toBeNull();
      await throttle.recordFailure('203.0.113.9');
    }
    expect((await refusal(throttle, '203.0.113.9'))?.code).toBe('RATE_LIMITED');
    expect(errors.length).toBeGreaterThan(0);
  });
});
