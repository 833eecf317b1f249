import { LevanteError } from '@levante/domain';

export interface LoginThrottleOptions {
  /** Failed attempts allowed per client within the window. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = { maxFailures: 10, windowMs: 10 * 60_000 };

/**
 * Counts failed logins per client address in a sliding window and refuses
 * further attempts once the limit is reached, until the oldest failure expires.
 */
export interface LoginThrottle {
  /** Throws RATE_LIMITED, saying when to try again, once `client` has failed too often. */
  assertAllowed(client: string): Promise<void>;
  recordFailure(client: string): Promise<void>;
}

/** The refusal, `oldest` being the time of the oldest failure still in the window. */
export function tooManyFailures(options: LoginThrottleOptions, oldest: number, now: number): LevanteError {
  const retryAfterSeconds = Math.max(1, Math.ceil((oldest + options.windowMs - now) / 1000));
  return new LevanteError(
    'RATE_LIMITED',
    `Too many failed logins from your address. Try again in ${retryAfterSeconds} seconds.`,
    { retryAfterSeconds },
  );
}

/** The embedded default: this process's memory, so each process counts on its own. */
export class MemoryLoginThrottle implements LoginThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(
    private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  async assertAllowed(client: string): Promise<void> {
    const recent = this.#recent(client);
    if (recent.length >= this.options.maxFailures)
      throw tooManyFailures(this.options, recent[0]!, this.now());
  }

  async recordFailure(client: string): Promise<void> {
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
