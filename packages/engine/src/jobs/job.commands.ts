import { jobs, machines } from '@levante/db';
import { type Actor, invalidState, LevanteError, notFound } from '@levante/domain';
import { eq, sql } from 'drizzle-orm';
import { assertActive, authorizeProject } from '../projects/project-access.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import type { JobQueries, JobView } from './job.queries.ts';
import type { JobQueue } from './job-queue.ts';
import { jobSummary } from './job-summary.ts';

export const JOB_CANCEL_REQUESTED = 'job.cancel_requested';
export const JOB_CANCELLED = 'job.cancelled';

/** What people may do to jobs. */
export class JobCommands {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queue: JobQueue,
    private readonly queries: JobQueries,
  ) {}

  /**
   * Cancels a job that has not finished. One that waits (for its first
   * attempt, or for a retry) is given up by the next worker to lease it; a
   * running one stops at its next look at the provider (one that finishes
   * first ends as it would have). Its handler leaves the subject in a clear
   * state (see the handlers' `cancel` and `giveUp`) and the job ends
   * `cancelled`. A finished job is refused. Asking twice answers the job as it
   * stands.
   */
  async cancel(actor: Actor, jobId: string): Promise<JobView> {
    assertActive(actor);
    await this.uow.run(async (tx, record) => {
      // Locked: a worker leasing it now waits for this transaction, then skips or sees the request.
      const [row] = await tx
        .select({ job: jobs, machineName: machines.name })
        .from(jobs)
        .leftJoin(machines, eq(machines.id, jobs.machineId))
        .where(eq(jobs.id, jobId))
        .for('update', { of: jobs });
      // Jobs of no project (none are made today) are the platform's own business.
      if (!row?.job.projectId) throw notFound('Job');
      const { job, machineName } = row;
      await authorizeProject(tx, actor, row.job.projectId, 'resource.write').catch((error: unknown) => {
        throw error instanceof LevanteError && error.code === 'NOT_FOUND' ? notFound('Job') : error;
      });
      if (job.cancelReason) return;
      if (job.state !== 'queued' && job.state !== 'running') {
        throw invalidState(
          `The job "${jobSummary(job)}" has finished (${job.state}); there is nothing left to cancel.`,
        );
      }
      const reason = `Cancelled by ${actor.username}.`;
      await tx
        .update(jobs)
        .set({ cancelReason: reason, runAfter: sql`now()`, updatedAt: new Date() })
        .where(eq(jobs.id, job.id));
      await record({
        type: JOB_CANCEL_REQUESTED,
        actor,
        projectId: job.projectId,
        subjectType: 'Job',
        subjectId: job.id,
        summary: `${actor.username} cancelled the job "${jobSummary(job)}"${machineName ? ` of machine ${machineName}` : ''}.`,
        after: { jobId: job.id, kind: job.kind, machineId: job.machineId },
      });
    });
    // A waiting job is due now: this process's idle worker takes it at once (other processes hear
    // the event). A running one learns of it when its worker next renews its lease.
    this.queue.notify();
    return this.queries.byId(actor, jobId);
  }
}
