import { type Database, jobs } from '@levante/db';
import { and, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';

/** Jobs removed per statement: a long backlog goes in short transactions that hold few locks. */
const PURGE_BATCH = 1_000;
/** How often a worker looks for jobs to remove. */
const PURGE_EVERY_MS = 60 * 60_000;

/**
 * Removes the jobs that ended longer ago than the retention, so that the
 * table holds recent work, not all work ever done; the events keep the
 * history (who asked what, and how it ended). Runs in every worker process:
 * their deletes skip each other's rows.
 */
export class JobRetention {
  #timer: NodeJS.Timeout | null = null;
  #purging: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    /** 0: jobs are kept for ever. */
    private readonly retentionMs: number,
  ) {}

  /** Purges now, then every hour, until `stop`. */
  start(): void {
    if (this.retentionMs <= 0 || this.#timer) return;
    const round = () => {
      this.#purging = this.purge().catch((error: unknown) => {
        this.logger.error({ err: error }, 'removing old jobs failed');
      });
    };
    this.#timer = setInterval(round, PURGE_EVERY_MS);
    this.#timer.unref();
    round();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#purging;
  }

  /** Removes the jobs that ended before the retention; answers how many. */
  async purge(): Promise<number> {
    if (this.retentionMs <= 0) return 0;
    let removed = 0;
    for (;;) {
      const old = this.db
        .select({ id: jobs.id })
        .from(jobs)
        .where(
          and(
            isNotNull(jobs.finishedAt),
            lt(jobs.finishedAt, sql`now() - ${`${this.retentionMs} milliseconds`}::interval`),
          ),
        )
        .limit(PURGE_BATCH)
        .for('update', { skipLocked: true });
      const rows = await this.db.delete(jobs).where(inArray(jobs.id, old)).returning({ id: jobs.id });
      removed += rows.length;
      if (rows.length < PURGE_BATCH) break;
    }
    if (removed > 0) this.logger.info({ removed }, 'removed jobs that ended before the retention');
    return removed;
  }
}
