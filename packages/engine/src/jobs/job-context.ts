import type { Database, JobRow } from '@levante/db';
import type { Logger } from 'pino';
import type { ConnectorPool } from '../providers/connector-pool.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import type { JobQueue } from './job-queue.ts';

export interface PollingOptions {
  /** First wait between two reads of the provider. */
  readonly initialMs: number;
  readonly maxMs: number;
  /** A provider that has not converged by then leaves the machine in ERROR. */
  readonly timeoutMs: number;
}

/** What a job handler may use; the worker builds one per job. */
export interface JobContext {
  readonly job: JobRow;
  readonly db: Database;
  readonly uow: UnitOfWork;
  readonly queue: JobQueue;
  readonly pool: ConnectorPool;
  readonly logger: Logger;
  readonly polling: PollingOptions;
  /** The worker's lease identity: every write that finishes the job is fenced by it. */
  readonly owner: string;
  /**
   * Renews the lease and records progress; false when the lease was lost.
   * Throws JobCancelledError when a person cancelled the job meanwhile.
   */
  renew(progress?: number): Promise<boolean>;
  readonly signal: AbortSignal;
}

export interface JobHandler {
  run(context: JobContext): Promise<void>;
  /** Called when the job has failed for good, to leave its subject in a clear state. */
  giveUp(context: JobContext, reason: string): Promise<void>;
  /**
   * Called instead of `run` when a person cancelled the job before any
   * attempt of it: the provider was never asked, so what the job was asked
   * for can be undone. A job already tried (or without `cancel`) gets `giveUp`.
   */
  cancel?(context: JobContext, reason: string): Promise<void>;
}

/**
 * Thrown by `renew` when a person cancelled the running job: the handler stops
 * at this look at the provider, and the worker gives up on the job.
 */
export class JobCancelledError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Thrown when the lease is lost: another worker owns the job now, this one stops quietly. */
export class LeaseLostError extends Error {
  constructor() {
    super('The job lease was lost to another worker.');
  }
}
