/**
 * Messages for every process of an installation, the sender's own included:
 * in one process, its memory; with several, a Redis channel (`RedisChannel`).
 * Nothing is kept: a process that was away misses what was said meanwhile.
 */
export interface Channel<T> {
  publish(message: T): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: (message: T) => void): () => void;
  close(): Promise<void>;
}

/** Hands each message to each listener in turn; one that throws keeps no other from it. */
export function hand<T>(
  message: T,
  listeners: ReadonlySet<(message: T) => void>,
  onListenerError: (error: unknown) => void,
): void {
  for (const listener of listeners) {
    try {
      listener(message);
    } catch (error) {
      onListenerError(error);
    }
  }
}

/** The embedded default's channel: this process's listeners only. */
export class LocalChannel<T> implements Channel<T> {
  readonly #listeners = new Set<(message: T) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  async publish(message: T): Promise<void> {
    hand(message, this.#listeners, this.onListenerError);
  }

  subscribe(listener: (message: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
