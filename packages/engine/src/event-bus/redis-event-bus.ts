import { createHash } from 'node:crypto';
import type { LevanteEvent } from '@levante/domain';
import { createClient } from '@redis/client';
import type { EventBus, EventListener } from './event-bus.ts';

/** What the bus uses of a client: its publisher and its subscriber are one of each. */
interface RedisClient {
  publish(channel: string, message: string): Promise<unknown>;
  close(): Promise<void>;
}

/** How long the first connection may take before Levante refuses to start. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Longest pause between reconnection attempts once Redis was reached. */
const MAX_RECONNECT_DELAY_MS = 2_000;

export interface RedisEventBusOptions {
  readonly url: string;
  /**
   * Replicas of one installation publish and listen on one channel; another
   * installation sharing the Redis server must not hear them (events carry
   * project data, and event ids of two databases collide).
   */
  readonly channel: string;
  readonly onError: (error: unknown) => void;
}

/**
 * The event bus of several processes (API replicas, `levante worker`s): each
 * publishes the events it committed on a Redis channel, and every process's
 * listeners, its own included, hear them from there, so all of them see one
 * order. Redis keeps nothing: events are already stored, and a subscriber
 * that was away meanwhile reads them from the activity log.
 */
export class RedisEventBus implements EventBus {
  readonly #listeners = new Set<EventListener>();

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly options: RedisEventBusOptions,
  ) {}

  /** Connects, or fails with a message naming the URL when Redis cannot be reached. */
  static async connect(options: RedisEventBusOptions): Promise<RedisEventBus> {
    let reached = false;
    const publisher = createClient({
      url: options.url,
      // A publish while Redis is away fails at once instead of holding up the change that made it.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        reconnectStrategy: (retries, cause) =>
          reached ? Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS) : unreachable(options.url, cause),
      },
    });
    const subscriber = publisher.duplicate();
    publisher.on('error', (error: unknown) => reached && options.onError(error));
    subscriber.on('error', (error: unknown) => reached && options.onError(error));
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
    } catch (error) {
      publisher.destroy();
      subscriber.destroy();
      throw unreachable(options.url, error);
    }
    reached = true;
    const bus = new RedisEventBus(publisher, subscriber, options);
    await subscriber.subscribe(options.channel, (message) => bus.#deliver(message));
    return bus;
  }

  async publish(events: readonly LevanteEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.publisher.publish(this.options.channel, JSON.stringify(events));
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await Promise.allSettled([this.subscriber.close(), this.publisher.close()]);
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
      this.options.onError(error);
      return;
    }
    for (const event of events) {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          this.options.onError(error);
        }
      }
    }
  }
}

/**
 * The channel of an installation: derived from its master key, which every
 * replica of it must share anyway (to read the provider credentials) and no
 * other installation has. Hashed, so the channel's name tells nothing of the key.
 */
export function eventChannelFor(masterKey: Buffer): string {
  const digest = createHash('sha256').update('levante event channel\0').update(masterKey).digest('hex');
  return `levante:events:${digest.slice(0, 32)}`;
}

function unreachable(url: string, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`Redis at ${redactUrl(url)} cannot be reached: ${reason || 'connection failed'}`);
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL';
  }
}
