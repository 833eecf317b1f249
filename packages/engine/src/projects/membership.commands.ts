import { type Executor, type MembershipRow, memberships, users } from '@levante/db';
import {
  type Actor,
  conflict,
  forbidden,
  notFound,
  PROJECT_ROLES,
  type ProjectRole,
  usernameSchema,
  validate,
} from '@levante/domain';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { RecordEvent, UnitOfWork } from '../unit-of-work.ts';
import { authorizeProject } from './project-access.ts';

const roleSchema = z.enum(PROJECT_ROLES, { message: `A role is one of ${PROJECT_ROLES.join(', ')}.` });
const addMemberSchema = z.object({ username: usernameSchema, role: roleSchema });

export class MembershipCommands {
  constructor(private readonly uow: UnitOfWork) {}

  async add(
    actor: Actor,
    projectId: string,
    input: { username: string; role: ProjectRole },
  ): Promise<MembershipRow> {
    const data = validate(addMemberSchema, input);
    return this.uow.run(async (tx, record) => {
      const { project } = await authorizeProject(tx, actor, projectId, 'member.manage');
      if (data.role === 'owner') await authorizeProject(tx, actor, projectId, 'member.manageOwners');
      const [user] = await tx.select().from(users).where(eq(users.username, data.username));
      if (!user) throw notFound(`User "${data.username}"`);
      const [membership] = await tx
        .insert(memberships)
        .values({ projectId, userId: user.id, role: data.role })
        .onConflictDoNothing()
        .returning();
      if (!membership) throw conflict(`${user.username} is already a member of ${project.name}.`, 'username');
      await record({
        type: 'membership.added',
        actor,
        projectId,
        subjectType: 'User',
        subjectId: user.id,
        summary: `${actor.username} added ${user.username} to ${project.name} as ${data.role}.`,
        after: { username: user.username, role: data.role },
      });
      return membership;
    });
  }

  async changeRole(
    actor: Actor,
    projectId: string,
    userId: string,
    role: ProjectRole,
  ): Promise<MembershipRow> {
    const newRole = validate(roleSchema, role, 'role');
    return this.uow.run(async (tx, record) => {
      const { project } = await authorizeProject(tx, actor, projectId, 'member.manage');
      const { current, owners } = await lockMembers(tx, projectId, userId);
      if (current.role === newRole) return current;
      if (current.role === 'owner' || newRole === 'owner') {
        await authorizeProject(tx, actor, projectId, 'member.manageOwners');
      }
      if (current.role === 'owner') assertAnotherOwner(owners, project.name);
      const [updated] = await tx
        .update(memberships)
        .set({ role: newRole, updatedAt: new Date() })
        .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
        .returning();
      const username = await usernameOf(tx, userId);
      await recordMembership(record, actor, 'membership.role_changed', projectId, userId, {
        summary: `${actor.username} changed the role of ${username} in ${project.name} from ${current.role} to ${newRole}.`,
        before: { username, role: current.role },
        after: { username, role: newRole },
      });
      return updated!;
    });
  }

  /** Removes a member; any member may also leave a project on their own. */
  async remove(actor: Actor, projectId: string, userId: string): Promise<MembershipRow> {
    return this.uow.run(async (tx, record) => {
      const leaving = userId === actor.userId;
      const { project } = await authorizeProject(
        tx,
        actor,
        projectId,
        leaving ? 'project.read' : 'member.manage',
      );
      const { current, owners } = await lockMembers(tx, projectId, userId);
      if (project.personalOf === userId)
        throw forbidden('A user cannot be removed from their personal project.');
      if (current.role === 'owner') {
        if (!leaving) await authorizeProject(tx, actor, projectId, 'member.manageOwners');
        assertAnotherOwner(owners, project.name);
      }
      await tx
        .delete(memberships)
        .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)));
      const username = await usernameOf(tx, userId);
      await recordMembership(record, actor, 'membership.removed', projectId, userId, {
        summary: leaving
          ? `${actor.username} left ${project.name}.`
          : `${actor.username} removed ${username} from ${project.name}.`,
        before: { username, role: current.role },
      });
      return current;
    });
  }
}

/**
 * Locks every membership row of the project, in one order, so that concurrent
 * changes to its members run one after the other and never deadlock; the
 * last-owner check below can then trust what it reads.
 */
async function lockMembers(
  tx: Executor,
  projectId: string,
  userId: string,
): Promise<{ current: MembershipRow; owners: number }> {
  const rows = await tx
    .select()
    .from(memberships)
    .where(eq(memberships.projectId, projectId))
    .orderBy(asc(memberships.userId))
    .for('update');
  const current = rows.find((r) => r.userId === userId);
  if (!current) throw notFound('Member');
  return { current, owners: rows.filter((r) => r.role === 'owner').length };
}

function assertAnotherOwner(owners: number, projectName: string): void {
  if (owners <= 1) throw conflict(`${projectName} needs at least one owner. Make someone else owner first.`);
}

async function usernameOf(tx: Executor, userId: string): Promise<string> {
  const [row] = await tx.select({ username: users.username }).from(users).where(eq(users.id, userId));
  return row?.username ?? 'a former user';
}

function recordMembership(
  record: RecordEvent,
  actor: Actor,
  type: string,
  projectId: string,
  userId: string,
  details: { summary: string; before?: Record<string, unknown>; after?: Record<string, unknown> },
) {
  return record({ type, actor, projectId, subjectType: 'User', subjectId: userId, ...details });
}
