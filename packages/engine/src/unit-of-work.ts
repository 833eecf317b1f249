import type { Database, Transaction } from '@levante/db';
import type { LevanteEvent } from '@levante/domain';
import type { Logger } from 'pino';
import type { EventBus } from './event-bus/event-bus.ts';
import { appendEvent, type EventInput } from './events/event-log.ts';

export type RecordEvent = (input: EventInput) => Promise<LevanteEvent>;

/**
 * Runs a change and the events that record it in one transaction, then
 * publishes those events once the transaction has committed.
 */
export class UnitOfWork {
  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async run<T>(work: (tx: Transaction, record: RecordEvent) => Promise<T>): Promise<T> {
    const recorded: LevanteEvent[] = [];
    const result = await this.db.transaction((tx) =>
      work(tx, async (input) => {
        const event = await appendEvent(tx, input);
        recorded.push(event);
        return event;
      }),
    );
    if (recorded.length > 0) {
      // The events are already stored; a bus failure must not fail the change.
      await this.bus.publish(recorded).catch((error: unknown) => {
        this.logger.error({ err: error }, 'publishing events failed');
      });
    }
    return result;
  }
}
