/**
 * Values kept per key for `ttlMs` after they were loaded (0: never kept).
 * Only successful loads are kept; concurrent misses each load, so that one
 * caller's abort never fails another's call.
 */
export class TtlCache<K, V> {
  readonly #entries = new Map<K, { readonly value: V; readonly expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  async get(key: K, load: () => Promise<V>): Promise<V> {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > this.#now()) return entry.value;
    const value = await load();
    if (this.#ttlMs > 0) this.#entries.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
    else this.#entries.delete(key);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
