/** What one item of a batch came to: its value, or the error for its caller alone. */
export type Settled<O> = { readonly value: O } | { readonly error: unknown };

interface Entry<I, O> {
  readonly item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Group commit: the calls made while batches are running wait and run together
 * as the next batch, so under load many requests share one transaction and one
 * round trip per statement, and a lone call still runs at once. At most
 * `concurrency` batches run at a time. A batch that throws as a whole is run
 * again item by item, so one bad item never fails the others and each caller
 * gets its own error.
 */
export class Batcher<I, O> {
  readonly #pending: Entry<I, O>[] = [];
  readonly #maxBatch: number;
  readonly #concurrency: number;
  #running = 0;

  constructor(
    private readonly process: (items: readonly I[]) => Promise<readonly Settled<O>[]>,
    options: { readonly maxBatch?: number; readonly concurrency?: number } = {},
  ) {
    this.#maxBatch = options.maxBatch ?? 256;
    this.#concurrency = options.concurrency ?? 1;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#running < this.#concurrency) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running++;
    try {
      while (this.#pending.length > 0) await this.#run(this.#pending.splice(0, this.#maxBatch));
    } finally {
      this.#running--;
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
