/** What one item of a batch came to: its value, or the error for its caller alone. */
export type Settled<O> = { readonly value: O } | { readonly error: unknown };

interface Entry<I, O> {
  readonly item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit: the calls made while a batch is running wait and run together
 * as the next batch, so under load many requests share one transaction and one
 * round trip per statement, and a lone call still runs at once. Batches run one
 * after another (side by side, batches of creates wait on each other's host
 * rows, and the extra statements cost more than they save). A batch that throws
 * as a whole is run again item by item, so one bad item never fails the others
 * and each caller gets its own error.
 */
export class Batcher<I, O> {
  readonly #pending: Entry<I, O>[] = [];
  #draining = false;

  constructor(
    private readonly process: (items: readonly I[]) => Promise<readonly Settled<O>[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#pending.length > 0) await this.#run(this.#pending.splice(0, this.maxBatch));
    } finally {
      this.#draining = false;
    }
  }

  async #run(batch: readonly Entry<I, O>[]): Promise<void> {
    let results: readonly Settled<O>[];
    try {
      results = await this.process(batch.map((entry) => entry.item));
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else for (const entry of batch) await this.#run([entry]);
      return;
    }
    for (const [i, entry] of batch.entries()) {
      const result = results[i];
      if (!result) entry.reject(new Error('The batch returned no result for this item.'));
      else if ('value' in result) entry.resolve(result.value);
      else entry.reject(result.error);
    }
  }
}

/**
 * A batched lookup: the keys asked for together are read with one call of
 * `load`, and each caller gets the row whose `keyOf` is its key, or undefined.
 */
export function batchedLookup<K, R>(
  load: (keys: K[]) => Promise<readonly R[]>,
  keyOf: (row: R) => K,
): Batcher<K, R | undefined> {
  return new Batcher(async (keys) => {
    const found = new Map((await load([...new Set(keys)])).map((row) => [keyOf(row), row]));
    return keys.map((key) => ({ value: found.get(key) }));
  });
}
