import type { LevanteEvent } from '@levante/domain';
import type { RedisClient } from '../redis/connect-redis.ts';
import { deliver, type EventBus, type EventListener } from './event-bus.ts';

/**
 * The event bus of several processes (API replicas, `levante worker`s): each
 * publishes the events it committed on its installation's Redis channel, and
 * every process's listeners, its own included, hear them from there, so all
 * of them see one order. Redis keeps nothing: events are already stored, and
 * a subscriber that was away meanwhile reads them from the activity log.
 */
export class RedisEventBus implements EventBus {
  readonly #listeners = new Set<EventListener>();

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly channel: string,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** On two connected clients (a subscribing one can send nothing else); whoever connected them closes them. */
  static async open(
    publisher: RedisClient,
    subscriber: RedisClient,
    channel: string,
    onError: (error: unknown) => void,
  ): Promise<RedisEventBus> {
    const bus = new RedisEventBus(publisher, subscriber, channel, onError);
    await subscriber.subscribe(channel, (message) => bus.#deliver(message));
    return bus;
  }

  async publish(events: readonly LevanteEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.publisher.publish(this.channel, JSON.stringify(events));
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.subscriber.unsubscribe(this.channel).catch(this.onError);
  }

  #deliver(message: string): void {
    // A process with no subscriber (a worker, say) hears every event: it need not read them.
    if (this.#listeners.size === 0) return;
    let events: LevanteEvent[];
    try {
      events = (JSON.parse(message) as (Omit<LevanteEvent, 'at'> & { at: string })[]).map((event) => ({
        ...event,
        at: new Date(event.at),
      }));
    } catch (error) {
      this.onError(error);
      return;
    }
    deliver(events, this.#listeners, this.onError);
  }
}
