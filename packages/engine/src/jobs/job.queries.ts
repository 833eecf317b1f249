import { type Database, JOB_STATES, type JobRow, jobs, machines, users } from '@levante/db';
import { type Actor, notFound, validate } from '@levante/domain';
import { and, count, desc, eq, getTableColumns, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { decodeCursor, keysetAfter, type Page, type PageArgs, pageSize, toPage } from '../pagination.ts';
import { assertActive, authorizeProject, inMemberProjects } from '../projects/project-access.ts';

export interface JobFilter {
  /** One project's jobs; without it, the jobs of every project the caller may see. */
  readonly projectId?: string | null;
  readonly machineId?: string | null;
  readonly states?: readonly string[] | null;
  readonly kinds?: readonly string[] | null;
}

/** A job with the name of the machine it works on, and who asked for it (null: Levante itself). */
export interface JobView extends JobRow {
  readonly machineName: string | null;
  readonly requestedBy: string | null;
}

const filterSchema = z.object({
  states: z
    .array(z.enum(JOB_STATES, { message: `A job state is one of ${JOB_STATES.join(', ')}.` }))
    .max(JOB_STATES.length)
    .nullish(),
  kinds: z
    .array(z.string().max(64, 'A job kind has at most 64 characters.'))
    .max(20, 'Filter on at most 20 job kinds.')
    .nullish(),
});

const VIEW = { ...getTableColumns(jobs), machineName: machines.name, requestedBy: users.username };

/** The jobs people may follow: those of their projects (every project for platform admins). */
export class JobQueries {
  constructor(private readonly db: Database) {}

  async byId(actor: Actor, jobId: string): Promise<JobView> {
    assertActive(actor);
    const [row] = await this.db
      .select(VIEW)
      .from(jobs)
      .leftJoin(machines, eq(machines.id, jobs.machineId))
      .leftJoin(users, eq(users.id, jobs.createdBy))
      .where(eq(jobs.id, jobId));
    // Jobs of no project (none are made today) are the platform's own business.
    if (!row?.projectId) throw notFound('Job');
    await authorizeProject(this.db, actor, row.projectId, 'resource.read').catch(() => {
      throw notFound('Job');
    });
    return row;
  }

  /** Newest first. */
  async list(actor: Actor, filter: JobFilter, args: PageArgs): Promise<Page<JobView>> {
    assertActive(actor);
    const { states, kinds } = validate(filterSchema, { states: filter.states, kinds: filter.kinds });
    if (filter.projectId) await authorizeProject(this.db, actor, filter.projectId, 'resource.read');
    const size = pageSize(args);
    const conditions: (SQL | undefined)[] = [
      filter.projectId
        ? eq(jobs.projectId, filter.projectId)
        : inMemberProjects(this.db, actor, jobs.projectId),
      filter.machineId ? eq(jobs.machineId, filter.machineId) : undefined,
      states && states.length > 0 ? inArray(jobs.state, states) : undefined,
      kinds && kinds.length > 0 ? inArray(jobs.kind, kinds) : undefined,
    ];
    const after = args.after ? decodeCursor(args.after, ['string', 'string']) : null;
    const [rows, [total]] = await Promise.all([
      this.db
        .select(VIEW)
        .from(jobs)
        .leftJoin(machines, eq(machines.id, jobs.machineId))
        .leftJoin(users, eq(users.id, jobs.createdBy))
        .where(and(...conditions, after ? keysetAfter([jobs.createdAt, jobs.id], after, 'desc') : undefined))
        .orderBy(desc(jobs.createdAt), desc(jobs.id))
        .limit(size + 1),
      this.db
        .select({ n: count() })
        .from(jobs)
        .where(and(...conditions)),
    ]);
    return toPage(
      rows,
      size,
      total?.n ?? 0,
      (job) => [job.createdAt.toISOString(), job.id],
      (job) => job,
    );
  }
}
