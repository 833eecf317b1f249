import type { LevanteEvent } from '@levante/domain';
import { deliver, type EventBus, type EventListener } from './event-bus.ts';

/** The embedded default: delivers events to the listeners of this process only. */
export class InProcessEventBus implements EventBus {
  readonly #listeners = new Set<EventListener>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  async publish(events: readonly LevanteEvent[]): Promise<void> {
    deliver(events, this.#listeners, this.onListenerError);
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
