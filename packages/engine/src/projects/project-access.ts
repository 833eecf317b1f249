import { type Executor, memberships, type ProjectRow, projects } from '@levante/db';
import {
  type Actor,
  forbidden,
  notFound,
  type ProjectAction,
  type ProjectRole,
  roleAllows,
} from '@levante/domain';
import { type AnyColumn, and, eq, inArray, type SQL } from 'drizzle-orm';

const ACTION_PHRASES: Record<ProjectAction, string> = {
  'project.read': 'see this project',
  'project.update': 'change this project',
  'project.delete': 'delete this project',
  'member.read': 'see the members',
  'member.manage': 'manage members',
  'member.manageOwners': 'grant, change or remove the owner role',
  'event.read': 'see the activity',
  'resource.read': 'see resources',
  'resource.write': 'create or change resources',
};

/** Refuses everything but changing the password while a password change is pending. */
export function assertActive(actor: Actor): void {
  if (actor.mustChangePassword) {
    throw forbidden('You must change your password before doing anything else.');
  }
}

export function assertPlatformAdmin(actor: Actor): void {
  assertActive(actor);
  if (!actor.isAdmin) throw forbidden('Only platform admins can do this.');
}

export interface ProjectAccess {
  readonly project: ProjectRow;
  /** The caller's role, or null for a platform admin who is not a member. */
  readonly role: ProjectRole | null;
}

/**
 * Loads a project the actor may act on. A project the actor is not a member of
 * answers NOT_FOUND, exactly as one that does not exist, so IDs cannot be probed.
 */
export async function authorizeProject(
  tx: Executor,
  actor: Actor,
  projectId: string,
  action: ProjectAction,
): Promise<ProjectAccess> {
  assertActive(actor);
  const [row] = await tx
    .select({ project: projects, role: memberships.role })
    .from(projects)
    .leftJoin(memberships, and(eq(memberships.projectId, projects.id), eq(memberships.userId, actor.userId)))
    .where(eq(projects.id, projectId));
  if (!row || (!row.role && !actor.isAdmin)) throw notFound('Project');
  if (!actor.isAdmin && row.role && !roleAllows(row.role, action)) {
    throw forbidden(
      `Your role "${row.role}" in project "${row.project.name}" does not allow you to ${ACTION_PHRASES[action]}.`,
    );
  }
  return { project: row.project, role: row.role };
}

/**
 * The rows of the projects the actor belongs to, by their project column; no
 * condition for platform admins, who see every project.
 */
export function inMemberProjects(db: Executor, actor: Actor, projectId: AnyColumn): SQL | undefined {
  if (actor.isAdmin) return undefined;
  return inArray(
    projectId,
    db.select({ id: memberships.projectId }).from(memberships).where(eq(memberships.userId, actor.userId)),
  );
}
