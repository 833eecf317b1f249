import { type Database, sessions, type UserRow, users } from '@levante/db';
import {
  type Actor,
  badInput,
  conflict,
  displayNameSchema,
  emailSchema,
  notFound,
  passwordSchema,
  usernameSchema,
  validate,
} from '@levante/domain';
import { and, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { createPersonalProject, personalProjectId } from '../projects/personal-project.ts';
import { assertPlatformAdmin } from '../projects/project-access.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { hashPassword, verifyPassword } from './password-hasher.ts';
import { newOneTimePassword } from './secret-token.ts';

const createUserSchema = z.object({
  username: usernameSchema,
  displayName: displayNameSchema.nullish(),
  email: emailSchema.nullish(),
  password: passwordSchema.nullish(),
  isAdmin: z.boolean().default(false),
  mustChangePassword: z.boolean().default(true),
});

const updateUserSchema = z.object({
  displayName: displayNameSchema.nullish(),
  email: emailSchema.nullish(),
  isAdmin: z.boolean().nullish(),
  disabled: z.boolean().nullish(),
});

const changePasswordSchema = z.object({
  currentPassword: z.string().max(256, 'This password is too long.'),
  newPassword: passwordSchema,
});

export interface CreatedUser {
  readonly user: UserRow;
  /** Set when Levante chose the password: shown once, to be changed at first login. */
  readonly oneTimePassword: string | null;
}

/** Public fields of a user, as recorded in events (never the password hash). */
function userSummary(user: UserRow) {
  return {
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    isAdmin: user.isAdmin,
    disabled: user.disabledAt !== null,
  };
}

export class UserCommands {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
  ) {}

  async create(actor: Actor | null, input: z.input<typeof createUserSchema>): Promise<CreatedUser> {
    if (actor) assertPlatformAdmin(actor);
    const data = validate(createUserSchema, input);
    const oneTimePassword = data.password ? null : newOneTimePassword();
    const passwordHash = await hashPassword(data.password ?? oneTimePassword!);
    const user = await this.uow.run(async (tx, record) => {
      const [created] = await tx
        .insert(users)
        .values({
          username: data.username,
          displayName: data.displayName ?? data.username,
          email: data.email ?? null,
          passwordHash,
          isAdmin: data.isAdmin,
          mustChangePassword: oneTimePassword !== null || data.mustChangePassword,
        })
        .onConflictDoNothing()
        .returning();
      if (!created) throw conflict(`A user named "${data.username}" already exists.`, 'username');
      const project = await createPersonalProject(tx, created.id, created.username);
      await record({
        type: 'user.created',
        actor,
        projectId: null,
        subjectType: 'User',
        subjectId: created.id,
        summary: `User ${created.username} was created${created.isAdmin ? ' as a platform admin' : ''}.`,
        after: userSummary(created),
      });
      await record({
        type: 'project.created',
        actor,
        projectId: project.id,
        subjectType: 'Project',
        subjectId: project.id,
        summary: `Personal project ${project.name} was created for ${created.username}.`,
        after: { name: project.name, personal: true },
      });
      return created;
    });
    return { user, oneTimePassword };
  }

  async update(actor: Actor, userId: string, input: z.input<typeof updateUserSchema>): Promise<UserRow> {
    assertPlatformAdmin(actor);
    const data = validate(updateUserSchema, input);
    if (userId === actor.userId && (data.isAdmin === false || data.disabled === true)) {
      throw conflict('You cannot remove your own admin rights or disable your own account.');
    }
    return this.uow.run(async (tx, record) => {
      const [before] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
      if (!before) throw notFound('User');
      if (before.isAdmin && (data.isAdmin === false || data.disabled === true)) {
        const others = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.isAdmin, true), isNull(users.disabledAt), ne(users.id, userId)))
          .limit(1);
        if (others.length === 0) throw conflict('Levante needs at least one active platform admin.');
      }
      const disabledAt =
        data.disabled == null ? before.disabledAt : data.disabled ? (before.disabledAt ?? new Date()) : null;
      const [after] = await tx
        .update(users)
        .set({
          displayName: data.displayName ?? before.displayName,
          email: data.email === undefined ? before.email : data.email,
          isAdmin: data.isAdmin ?? before.isAdmin,
          disabledAt,
          updatedAt: new Date(),
        })
        .where(eq(users.id, userId))
        .returning();
      if (disabledAt) await tx.delete(sessions).where(eq(sessions.userId, userId));
      await record({
        type: 'user.updated',
        actor,
        projectId: null,
        subjectType: 'User',
        subjectId: userId,
        summary: `User ${before.username} was updated.`,
        before: userSummary(before),
        after: userSummary(after!),
      });
      return after!;
    });
  }

  /** Changes the caller's own password; ends the caller's other sessions. */
  async changePassword(
    actor: Actor,
    input: { currentPassword: string; newPassword: string },
  ): Promise<UserRow> {
    const data = validate(changePasswordSchema, input);
    const [current] = await this.db.select().from(users).where(eq(users.id, actor.userId));
    if (!current) throw notFound('User');
    if (!(await verifyPassword(current.passwordHash, data.currentPassword))) {
      throw badInput('currentPassword', 'The current password is wrong.');
    }
    if (data.currentPassword === data.newPassword) {
      throw badInput('newPassword', 'The new password must differ from the current one.');
    }
    const passwordHash = await hashPassword(data.newPassword);
    return this.uow.run(async (tx, record) => {
      const [updated] = await tx
        .update(users)
        .set({ passwordHash, mustChangePassword: false, updatedAt: new Date() })
        .where(eq(users.id, actor.userId))
        .returning();
      const keep = actor.credential.kind === 'session' ? actor.credential.id : null;
      await tx
        .delete(sessions)
        .where(
          keep
            ? and(eq(sessions.userId, actor.userId), ne(sessions.id, keep))
            : eq(sessions.userId, actor.userId),
        );
      await record({
        type: 'user.password_changed',
        actor,
        projectId: await personalProjectId(tx, actor.userId),
        subjectType: 'User',
        subjectId: actor.userId,
        summary: `${actor.username} changed their password; their other sessions were ended.`,
      });
      return updated!;
    });
  }

  /**
   * For the lost-password case, from the command line (no actor): sets a new
   * one-time password, to be changed at next login, and ends every session.
   */
  async resetPassword(username: string): Promise<string> {
    const name = validate(usernameSchema, username, 'username');
    const password = newOneTimePassword();
    const passwordHash = await hashPassword(password);
    await this.uow.run(async (tx, record) => {
      const [user] = await tx
        .update(users)
        .set({ passwordHash, mustChangePassword: true, updatedAt: new Date() })
        .where(eq(users.username, name))
        .returning();
      if (!user) throw notFound(`User "${name}"`);
      await tx.delete(sessions).where(eq(sessions.userId, user.id));
      await record({
        type: 'user.password_reset',
        actor: null,
        projectId: null,
        subjectType: 'User',
        subjectId: user.id,
        summary: `The password of ${user.username} was reset from the command line.`,
      });
    });
    return password;
  }
}
