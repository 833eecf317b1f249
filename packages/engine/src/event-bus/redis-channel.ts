import type { RedisClient } from '../redis/connect-redis.ts';
import { type Channel, hand } from './channel.ts';

/** A channel of the installation's Redis: messages travel as JSON, and `decode` revives them. */
export class RedisChannel<T> implements Channel<T> {
  readonly #listeners = new Set<(message: T) => void>();

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly name: string,
    private readonly decode: (text: string) => T,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** On two connected clients (a subscribing one can send nothing else); whoever connected them closes them. */
  static async open<T>(
    publisher: RedisClient,
    subscriber: RedisClient,
    name: string,
    decode: (text: string) => T,
    onError: (error: unknown) => void,
  ): Promise<RedisChannel<T>> {
    const channel = new RedisChannel(publisher, subscriber, name, decode, onError);
    await subscriber.subscribe(name, (text) => channel.#hear(text));
    return channel;
  }

  async publish(message: T): Promise<void> {
    await this.publisher.publish(this.name, JSON.stringify(message));
  }

  subscribe(listener: (message: T) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.subscriber.unsubscribe(this.name).catch(this.onError);
  }

  #hear(text: string): void {
    // A process with no listener (a worker hears every event, say) need not read what it hears.
    if (this.#listeners.size === 0) return;
    let message: T;
    try {
      message = this.decode(text);
    } catch (error) {
      this.onError(error);
      return;
    }
    hand(message, this.#listeners, this.onError);
  }
}
