import { type Database, memberships, type ProjectRow, projects } from '@levante/db';
import type { Actor, ProjectRole } from '@levante/domain';
import { and, asc, count, eq, exists, inArray, type SQL } from 'drizzle-orm';
import { batchedLookup } from '../batching/batcher.ts';
import { decodeCursor, keysetAfter, type Page, type PageArgs, pageSize, toPage } from '../pagination.ts';
import { assertActive, authorizeProject } from './project-access.ts';

export interface VisibleProject {
  readonly project: ProjectRow;
  /** The caller's role; null for a platform admin who is not a member. */
  readonly role: ProjectRole | null;
}

export class ProjectQueries {
  // The names asked for together (a page of events, each live event) are read in one statement.
  readonly #names = batchedLookup(
    (ids: string[]) =>
      this.db
        .select({ id: projects.id, name: projects.name })
        .from(projects)
        .where(inArray(projects.id, ids)),
    (row) => row.id,
  );

  constructor(private readonly db: Database) {}

  /**
   * The name of a project, for what the caller already sees of it (its events,
   * its jobs); null once the project is deleted.
   */
  async nameOf(projectId: string): Promise<string | null> {
    return (await this.#names.submit(projectId))?.name ?? null;
  }

  async byId(actor: Actor, projectId: string): Promise<VisibleProject> {
    return authorizeProject(this.db, actor, projectId, 'project.read');
  }

  /** The projects the caller belongs to; platform admins see every project. */
  async list(actor: Actor, args: PageArgs): Promise<Page<VisibleProject>> {
    assertActive(actor);
    const size = pageSize(args);
    const scope = this.scope(actor);
    const after = args.after ? decodeCursor(args.after, ['string', 'string']) : null;
    const [rows, [total]] = await Promise.all([
      this.db
        .select({ project: projects, role: memberships.role })
        .from(projects)
        .leftJoin(
          memberships,
          and(eq(memberships.projectId, projects.id), eq(memberships.userId, actor.userId)),
        )
        .where(and(scope, after ? keysetAfter([projects.name, projects.id], after, 'asc') : undefined))
        .orderBy(asc(projects.name), asc(projects.id))
        .limit(size + 1),
      this.db.select({ n: count() }).from(projects).where(scope),
    ]);
    return toPage(
      rows,
      size,
      total?.n ?? 0,
      (r) => [r.project.name, r.project.id],
      (r) => r,
    );
  }

  /** The scope predicate: membership, unless the caller is a platform admin. */
  private scope(actor: Actor): SQL | undefined {
    if (actor.isAdmin) return undefined;
    return exists(
      this.db
        .select({ one: memberships.projectId })
        .from(memberships)
        .where(and(eq(memberships.projectId, projects.id), eq(memberships.userId, actor.userId))),
    );
  }
}
