import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/connect-redis.ts';
import {
  DEFAULT_LOGIN_THROTTLE,
  type LoginThrottle,
  type LoginThrottleOptions,
  tooManyFailures,
} from './login-throttle.ts';

/**
 * Failed logins counted in Redis, so that every API process of an
 * installation refuses a client that failed too often anywhere: behind a load
 * balancer, an attacker gets one allowance, not one per replica. Each
 * client's failures are a sorted set of their times, which expires with the
 * window.
 */
export class RedisLoginThrottle implements LoginThrottle {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  async assertAllowed(client: string): Promise<void> {
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

  async recordFailure(client: string): Promise<void> {
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
