import type { LevanteEvent } from '@levante/domain';

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

/** Gives each event to each listener in turn; a listener that throws keeps no other from its events. */
export function deliver(
  events: readonly LevanteEvent[],
  listeners: ReadonlySet<EventListener>,
  onListenerError: (error: unknown) => void,
): void {
  for (const event of events) {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        onListenerError(error);
      }
    }
  }
}
