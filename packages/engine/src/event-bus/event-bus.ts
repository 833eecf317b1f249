import type { LevanteEvent } from '@levante/domain';
import { type Channel, hand } from './channel.ts';

export type EventListener = (event: LevanteEvent) => void;

/**
 * Carries committed events to every subscriber of this process (and, with a
 * distributed implementation, of every replica). Events are published only
 * after the transaction that wrote them has committed.
 */
export interface EventBus {
  publish(events: readonly LevanteEvent[]): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}

/**
 * Events travel in the batches their transactions committed, on a channel
 * that the bus listens to only while it has listeners of its own (a process
 * without subscribers, a worker, need not read every event).
 */
export class ChannelEventBus implements EventBus {
  readonly #listeners = new Set<EventListener>();
  #stopListening: (() => void) | null = null;

  constructor(
    private readonly channel: Channel<readonly LevanteEvent[]>,
    private readonly onListenerError: (error: unknown) => void,
  ) {}

  async publish(events: readonly LevanteEvent[]): Promise<void> {
    if (events.length > 0) await this.channel.publish(events);
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    this.#stopListening ??= this.channel.subscribe((events) => {
      for (const event of events) hand(event, this.#listeners, this.onListenerError);
    });
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size > 0) return;
      this.#stopListening?.();
      this.#stopListening = null;
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    this.#stopListening?.();
    this.#stopListening = null;
    await this.channel.close();
  }
}
