import type { Database, Transaction } from '@levante/db';
import type { LevanteEvent } from '@levante/domain';
import type { Logger } from 'pino';
import type { EventBus } from './event-bus/event-bus.ts';
import { appendEvents, type EventInput } from './events/event-log.ts';

export type RecordEvent = (input: EventInput) => Promise<LevanteEvent>;
/** Records many events in one statement: what batched commands use. */
export type RecordEvents = (inputs: readonly EventInput[]) => Promise<LevanteEvent[]>;

/**
 * Runs a change and the events that record it in one transaction, then
 * publishes those events once the transaction has committed.
 * `beforePublishing` runs between the two: what this process must know of the
 * change before anyone hears of it (a subscriber that creates a machine when
 * another is deleted finds its host's capacity given back).
 */
export class UnitOfWork {
  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async run<T>(
    work: (tx: Transaction, record: RecordEvent, recordAll: RecordEvents) => Promise<T>,
    beforePublishing?: () => Promise<void>,
  ): Promise<T> {
    const recorded: LevanteEvent[] = [];
    const result = await this.db.transaction((tx) => {
      const recordAll: RecordEvents = async (inputs) => {
        const appended = await appendEvents(tx, inputs);
        recorded.push(...appended);
        return appended;
      };
      return work(tx, async (input) => (await recordAll([input]))[0]!, recordAll);
    });
    // Committed: a failure here must not fail the change either.
    await beforePublishing?.().catch((error: unknown) => {
      this.logger.error({ err: error }, 'the work after a commit failed');
    });
    if (recorded.length > 0) {
      // The events are already stored; a bus failure must not fail the change.
      await this.bus.publish(recorded).catch((error: unknown) => {
        this.logger.error({ err: error }, 'publishing events failed');
      });
    }
    return result;
  }
}
