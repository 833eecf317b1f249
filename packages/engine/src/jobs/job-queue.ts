import { randomUUID } from 'node:crypto';
import { anyOf, type Database, type Executor, type JobRow, jobs, recordset } from '@levante/db';
import { and, eq, inArray, lt, lte, or, sql, type WithSubquery } from 'drizzle-orm';

export interface JobOutcome {
  readonly state: 'succeeded' | 'failed' | 'cancelled';
  readonly error?: string | null;
}

export interface NewJob {
  /** Chosen by the caller when it must name the job before the insert returns. */
  readonly id?: string;
  readonly kind: string;
  readonly projectId: string | null;
  readonly machineId: string | null;
  readonly payload?: Record<string, unknown>;
  /** A second enqueue with the same key is the same job. */
  readonly idempotencyKey: string;
  readonly createdBy: string | null;
}

/**
 * The durable job queue in the database. Workers lease a job with
 * `FOR UPDATE SKIP LOCKED`; a lease that is not renewed expires, and the job is
 * taken again by another worker. Completion is fenced by the lease owner, so a
 * worker that lost its lease cannot overwrite the work of the next one.
 */
export class JobQueue {
  readonly #waiters = new Set<() => void>();
  // Every worker runs this all the time: prepared once, it is not built again.
  readonly #lease;

  constructor(private readonly db: Database) {
    const ready = db
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        or(
          and(eq(jobs.state, 'queued'), lte(jobs.runAfter, sql`now()`)),
          and(eq(jobs.state, 'running'), lt(jobs.leaseExpiresAt, sql`now()`)),
        ),
      )
      .orderBy(jobs.runAfter)
      .limit(sql.placeholder('limit'))
      .for('update', { skipLocked: true });
    this.#lease = db
      .update(jobs)
      .set({
        state: 'running',
        leaseOwner: sql`${sql.placeholder('owner')}`,
        leaseExpiresAt: sql`now() + ${sql.placeholder('lease')}::interval`,
        attempts: sql`${jobs.attempts} + 1`,
        updatedAt: sql`now()`,
      })
      .where(inArray(jobs.id, ready))
      .returning()
      .prepare('levante_lease_jobs');
  }

  async enqueue(tx: Executor, job: NewJob): Promise<JobRow> {
    const [row] = await this.enqueueAll(tx, [job]);
    return row!;
  }

  /**
   * Enqueues in one statement; the rows come back in the order of `batch`.
   * `along`: writes the same statement makes first, in its WITH clause (the
   * rows the jobs refer to, say: one round trip for both).
   */
  async enqueueAll(tx: Executor, batch: readonly NewJob[], along?: WithSubquery): Promise<JobRow[]> {
    if (batch.length === 0) return [];
    const rows = await (along ? tx.with(along) : tx)
      .insert(jobs)
      .select(
        recordset(
          jobs,
          batch.map((job) => ({
            id: job.id ?? randomUUID(),
            kind: job.kind,
            projectId: job.projectId,
            machineId: job.machineId,
            payload: job.payload ?? {},
            idempotencyKey: job.idempotencyKey,
            createdBy: job.createdBy,
          })),
        ),
      )
      .onConflictDoUpdate({ target: jobs.idempotencyKey, set: { updatedAt: sql`${jobs.updatedAt}` } })
      .returning();
    const byKey = new Map(rows.map((row) => [row.idempotencyKey, row]));
    return batch.map((job) => byKey.get(job.idempotencyKey)!);
  }

  /** Wakes idle workers of this process; call after the enqueuing transaction commits. */
  notify(): void {
    for (const wake of this.#waiters) wake();
  }

  /** Resolves on the next notify(), or after `ms`. */
  waitForWork(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  async lease(owner: string, leaseMs: number): Promise<JobRow | null> {
    const [row] = await this.leaseMany(owner, leaseMs, 1);
    return row ?? null;
  }

  /** Leases up to `limit` ready jobs in one statement, oldest first. */
  leaseMany(owner: string, leaseMs: number, limit: number): Promise<JobRow[]> {
    return this.#lease.execute({ owner, lease: `${leaseMs} milliseconds`, limit });
  }

  /**
   * Extends the lease; `held` is false when another worker has taken the job
   * meanwhile. `cancelReason`: a person cancelled it while it ran.
   */
  async renew(
    jobId: string,
    owner: string,
    leaseMs: number,
    progress?: number,
  ): Promise<{ held: boolean; cancelReason: string | null }> {
    const rows = await this.db
      .update(jobs)
      .set({
        leaseExpiresAt: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
        ...(progress === undefined ? {} : { progress }),
        updatedAt: new Date(),
      })
      .where(and(eq(jobs.id, jobId), eq(jobs.leaseOwner, owner), eq(jobs.state, 'running')))
      .returning({ cancelReason: jobs.cancelReason });
    return { held: rows.length > 0, cancelReason: rows[0]?.cancelReason ?? null };
  }

  /** Marks the job finished inside the transaction that writes its result. */
  async finish(tx: Executor, jobId: string, owner: string, outcome: JobOutcome): Promise<boolean> {
    return (await this.finishAll(tx, [jobId], owner, outcome)).has(jobId);
  }

  /**
   * Finishes jobs that end alike in one statement; answers those this owner
   * still held, the others belong to another worker now.
   */
  async finishAll(
    tx: Executor,
    jobIds: readonly string[],
    owner: string,
    outcome: JobOutcome,
  ): Promise<Set<string>> {
    if (jobIds.length === 0) return new Set();
    const now = new Date();
    const rows = await tx
      .update(jobs)
      .set({
        state: outcome.state,
        error: outcome.error ?? null,
        progress: outcome.state === 'succeeded' ? 100 : sql`${jobs.progress}`,
        leaseOwner: null,
        leaseExpiresAt: null,
        finishedAt: now,
        updatedAt: now,
      })
      .where(and(anyOf(jobs.id, [...jobIds]), eq(jobs.leaseOwner, owner), eq(jobs.state, 'running')))
      .returning({ id: jobs.id });
    return new Set(rows.map((row) => row.id));
  }

  /** Puts the job back for a later attempt, or fails it when attempts are used up. */
  async retry(
    jobId: string,
    owner: string,
    delayMs: number,
    error: string,
  ): Promise<'retrying' | 'exhausted'> {
    const [row] = await this.db
      .update(jobs)
      .set({
        state: sql`case when ${jobs.attempts} >= ${jobs.maxAttempts} then 'failed' else 'queued' end`,
        runAfter: sql`now() + ${`${delayMs} milliseconds`}::interval`,
        error,
        leaseOwner: null,
        leaseExpiresAt: null,
        updatedAt: new Date(),
      })
      .where(and(eq(jobs.id, jobId), eq(jobs.leaseOwner, owner)))
      .returning({ state: jobs.state });
    return row?.state === 'failed' ? 'exhausted' : 'retrying';
  }
}
