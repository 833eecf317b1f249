import { randomUUID } from 'node:crypto';
import type { Database, JobRow } from '@levante/db';
import type { Logger } from 'pino';
import type { ConnectorPool } from '../providers/connector-pool.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { JOB_CANCELLED } from './job.commands.ts';
import {
  JobCancelledError,
  type JobContext,
  type JobHandler,
  LeaseLostError,
  type PollingOptions,
} from './job-context.ts';
import type { JobQueue } from './job-queue.ts';
import { jobSummary } from './job-summary.ts';

export interface WorkerOptions {
  /** Jobs run at once by this worker; most of their time is spent waiting on providers. */
  readonly concurrency: number;
  readonly leaseMs: number;
  /** How often an idle worker looks for work it was not told about (other replicas' jobs, retries). */
  readonly idlePollMs: number;
  readonly polling: PollingOptions;
}

/** Jobs leased in one statement at most: a burst is taken in a few round trips, not one per job. */
const LEASE_BATCH = 64;

export const DEFAULT_WORKER_OPTIONS: WorkerOptions = {
  concurrency: 128,
  leaseMs: 30_000,
  idlePollMs: 1_000,
  polling: { initialMs: 100, maxMs: 2_000, timeoutMs: 15 * 60_000 },
};

/**
 * Leases jobs and runs their handlers. A job whose handler throws is retried
 * with backoff; one that fails for good is handed to its handler's giveUp.
 */
export class Worker {
  readonly id = `worker-${randomUUID().slice(0, 8)}`;
  readonly #running = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #loop: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      db: Database;
      uow: UnitOfWork;
      queue: JobQueue;
      pool: ConnectorPool;
      logger: Logger;
      handlers: Readonly<Record<string, JobHandler>>;
      /**
       * Runs once a cancelled job has ended (its subject is free of jobs then);
       * `attempted`: an attempt of it may have reached the provider.
       */
      afterCancel?: (job: JobRow, attempted: boolean) => Promise<void>;
    },
    private readonly options: WorkerOptions = DEFAULT_WORKER_OPTIONS,
  ) {}

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops taking jobs and waits for the running ones; their leases expire if they do not finish. */
  async stop(): Promise<void> {
    this.#abort.abort(new Error('The worker is stopping.'));
    this.deps.queue.notify();
    await this.#loop;
    await Promise.allSettled(this.#running);
  }

  /** Leases and runs one job, if one is ready; for tests and tools. */
  async runOnce(): Promise<JobRow | null> {
    const job = await this.deps.queue.lease(this.id, this.options.leaseMs);
    if (job) await this.#execute(job);
    return job;
  }

  async #run(): Promise<void> {
    const { queue, logger } = this.deps;
    while (!this.#abort.signal.aborted) {
      if (this.#running.size >= this.options.concurrency) {
        await Promise.race(this.#running);
        continue;
      }
      let leased: JobRow[] = [];
      try {
        const free = this.options.concurrency - this.#running.size;
        leased = await queue.leaseMany(this.id, this.options.leaseMs, Math.min(free, LEASE_BATCH));
      } catch (error) {
        if (this.#abort.signal.aborted) break;
        logger.error({ err: error }, 'leasing a job failed');
      }
      if (leased.length === 0) {
        await queue.waitForWork(this.options.idlePollMs);
        continue;
      }
      for (const job of leased) {
        const running = this.#execute(job).finally(() => this.#running.delete(running));
        this.#running.add(running);
      }
    }
  }

  /**
   * A person cancelled the job: its handler leaves its subject in a clear
   * state, and it ends cancelled. `midway`: this attempt was running and has
   * reached the provider. Untried (the lease that found the request is its
   * first, and it did not run), the handler undoes it with `cancel`; tried,
   * it gives up as when attempts run out.
   */
  async #cancel(
    job: JobRow,
    handler: JobHandler | undefined,
    context: JobContext,
    reason: string,
    midway: boolean,
  ) {
    const untried = !midway && job.attempts === 1;
    if (handler) {
      await (untried && handler.cancel ? handler.cancel(context, reason) : handler.giveUp(context, reason));
    }
    const ended = await this.deps.uow.run(async (tx, record) => {
      if (!(await this.deps.queue.finish(tx, job.id, this.id, { state: 'cancelled', error: reason }))) {
        return false;
      }
      await record({
        type: JOB_CANCELLED,
        actor: null,
        projectId: job.projectId,
        subjectType: 'Job',
        subjectId: job.id,
        summary: midway
          ? `Job "${jobSummary(job)}" stopped at the provider's next look: ${reason}`
          : `Job "${jobSummary(job)}" did not run: ${reason}`,
        after: { jobId: job.id, kind: job.kind, machineId: job.machineId },
      });
      return true;
    });
    if (!ended || !this.deps.afterCancel) return;
    await this.deps.afterCancel(job, !untried).catch((error: unknown) => {
      this.deps.logger.info(
        { err: error, jobId: job.id },
        "reading what became of a cancelled job's machine failed",
      );
    });
  }

  async #execute(job: JobRow): Promise<void> {
    const { queue, logger, handlers } = this.deps;
    const handler = handlers[job.kind];
    const context: JobContext = {
      job,
      db: this.deps.db,
      uow: this.deps.uow,
      queue,
      pool: this.deps.pool,
      logger,
      polling: this.options.polling,
      owner: this.id,
      signal: this.#abort.signal,
      renew: async (progress) => {
        const { held, cancelReason } = await queue.renew(job.id, this.id, this.options.leaseMs, progress);
        if (held && cancelReason) throw new JobCancelledError(cancelReason);
        return held;
      },
    };
    try {
      if (job.cancelReason) await this.#cancel(job, handler, context, job.cancelReason, false);
      else if (!handler) throw new Error(`No handler for jobs of kind "${job.kind}".`);
      else await handler.run(context);
    } catch (error) {
      if (error instanceof JobCancelledError) {
        // Should giving up fail, the job's lease runs out and the next worker cancels it.
        await this.#cancel(job, handler, context, error.reason, true).catch((e: unknown) =>
          logger.error({ err: e, jobId: job.id }, 'cancelling a running job failed'),
        );
        return;
      }
      if (error instanceof LeaseLostError || this.#abort.signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      const delay = Math.min(60_000, 500 * 2 ** Math.max(0, job.attempts - 1));
      const outcome = await queue.retry(job.id, this.id, delay, message).catch(() => 'retrying' as const);
      logger.warn(
        { jobId: job.id, kind: job.kind, attempt: job.attempts, err: error, outcome },
        'job failed',
      );
      if (outcome === 'exhausted' && handler) {
        await handler
          .giveUp({ ...context, owner: this.id }, `Gave up after ${job.attempts} attempts: ${message}`)
          .catch((e: unknown) => logger.error({ err: e, jobId: job.id }, 'giving up on a job failed'));
      }
    }
  }
}
