import { LevanteError } from '@levante/domain';

export interface LoginThrottleOptions {
  /** Failed attempts allowed per client within the window. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

/**
 * Counts failed logins per client address in a sliding window and refuses
 * further attempts once the limit is reached, until the oldest failure expires.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly options: LoginThrottleOptions = { maxFailures: 10, windowMs: 10 * 60_000 },
    private readonly now: () => number = Date.now,
  ) {}

  assertAllowed(client: string): void {
    const recent = this.#recent(client);
    if (recent.length < this.options.maxFailures) return;
    const retryAfterSeconds = Math.ceil((recent[0]! + this.options.windowMs - this.now()) / 1000);
    throw new LevanteError(
      'RATE_LIMITED',
      `Too many failed logins from your address. Try again in ${retryAfterSeconds} seconds.`,
      { retryAfterSeconds },
    );
  }

  recordFailure(client: string): void {
    const recent = this.#recent(client);
    recent.push(this.now());
    this.#failures.set(client, recent);
  }

  #recent(client: string): number[] {
    const since = this.now() - this.options.windowMs;
    const recent = (this.#failures.get(client) ?? []).filter((t) => t > since);
    if (recent.length === 0) this.#failures.delete(client);
    return recent;
  }
}
