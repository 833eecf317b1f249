import { randomUUID } from 'node:crypto';
import { LevanteError } from '@levante/domain';
import type { RedisClient } from '../redis/connect-redis.ts';
import {
  DEFAULT_LOGIN_THROTTLE,
  type LoginThrottle,
  type LoginThrottleOptions,
  MemoryLoginThrottle,
  tooManyFailures,
} from './login-throttle.ts';

/**
 * Failed logins counted in Redis, so that every API process of an
 * installation refuses a client that failed too often anywhere: behind a load
 * balancer, an attacker gets one allowance, not one per replica. Each
 * client's failures are a sorted set of their times, which expires with the
 * window. While Redis cannot be reached, this process counts on its own: logins
 * go on, still throttled, instead of all failing.
 */
export class RedisLoginThrottle implements LoginThrottle {
  readonly #local: MemoryLoginThrottle;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly onError: (error: unknown) => void,
    private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {
    this.#local = new MemoryLoginThrottle(options, now);
  }

  async assertAllowed(client: string): Promise<void> {
    await this.#local.assertAllowed(client);
    await this.#shared(() => this.#assertAllowedInRedis(client));
  }

  async recordFailure(client: string): Promise<void> {
    await this.#local.recordFailure(client);
    await this.#shared(() => this.#recordFailureInRedis(client));
  }

  /** Runs a Redis step; an unreachable Redis is logged and leaves the local count to decide. */
  async #shared(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (error instanceof LevanteError) throw error;
      this.onError(error);
    }
  }

  async #assertAllowedInRedis(client: string): Promise<void> {
    const now = this.now();
    const key = this.#key(client);
    const [, count, oldest] = await this.redis
      .multi()
      .zRemRangeByScore(key, '-inf', now - this.options.windowMs)
      .zCard(key)
      .zRangeWithScores(key, 0, 0)
      .exec<'typed'>();
    if (count >= this.options.maxFailures) throw tooManyFailures(this.options, oldest[0]!.score, now);
  }

  async #recordFailureInRedis(client: string): Promise<void> {
    const now = this.now();
    const key = this.#key(client);
    await this.redis
      .multi()
      .zAdd(key, { score: now, value: `${now}:${randomUUID()}` })
      .pExpire(key, this.options.windowMs)
      .exec();
  }

  #key(client: string): string {
    return `${this.keyPrefix}:login-failures:${client}`;
  }
}
