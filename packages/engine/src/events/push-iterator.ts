/**
 * An async iterator fed by pushes, for subscriptions. Its buffer is bounded:
 * a consumer that falls too far behind is ended with an error rather than
 * letting memory grow without limit.
 */
export class PushIterator<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  readonly #waiting: ((result: IteratorResult<T>) => void)[] = [];
  readonly #rejecting: ((error: unknown) => void)[] = [];
  #finished = false;
  #error: unknown;

  constructor(
    private readonly maxBuffered: number,
    private readonly onClose: () => void,
  ) {}

  push(value: T): void {
    if (this.#finished) return;
    const waiter = this.#waiting.shift();
    if (waiter) {
      this.#rejecting.shift();
      waiter({ value, done: false });
    } else if (this.#buffer.length >= this.maxBuffered) {
      this.fail(new Error('The subscriber fell too far behind; subscribe again.'));
    } else {
      this.#buffer.push(value);
    }
  }

  /** Ends the iteration with an error, after the values already buffered. */
  fail(error: unknown): void {
    if (this.#finished) return;
    this.#error = error;
    this.#finish();
    for (const reject of this.#rejecting.splice(0)) reject(error);
    this.#waiting.length = 0;
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.#buffer.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.#finished) {
      if (this.#error !== undefined) {
        const error = this.#error;
        this.#error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push(resolve);
      this.#rejecting.push(reject);
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.#error = undefined;
    this.#finish();
    for (const resolve of this.#waiting.splice(0)) resolve({ value: undefined, done: true });
    this.#rejecting.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.onClose();
  }
}
