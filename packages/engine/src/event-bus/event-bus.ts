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
