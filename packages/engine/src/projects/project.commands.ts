import {
  machines,
  memberships,
  type ProjectRow,
  projects,
  providerAccounts,
  uniqueViolation,
} from '@levante/db';
import {
  type Actor,
  conflict,
  counted,
  descriptionSchema,
  projectNameSchema,
  themOrIt,
  validate,
} from '@levante/domain';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { liveMachines } from '../machines/live-machines.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { assertActive, authorizeProject } from './project-access.ts';

const createProjectSchema = z.object({
  name: projectNameSchema,
  description: descriptionSchema.nullish(),
});

const updateProjectSchema = z.object({
  name: projectNameSchema.nullish(),
  description: descriptionSchema.nullish(),
});

const nameTaken = (name: string) => conflict(`A project named "${name}" already exists.`, 'name');

export class ProjectCommands {
  constructor(private readonly uow: UnitOfWork) {}

  /** Any user may create a project; they become its owner. */
  async create(actor: Actor, input: z.input<typeof createProjectSchema>): Promise<ProjectRow> {
    assertActive(actor);
    const data = validate(createProjectSchema, input);
    return this.uow.run(async (tx, record) => {
      const [project] = await tx
        .insert(projects)
        .values({ name: data.name, description: data.description ?? '' })
        .onConflictDoNothing()
        .returning();
      if (!project) throw nameTaken(data.name);
      await tx.insert(memberships).values({ projectId: project.id, userId: actor.userId, role: 'owner' });
      await record({
        type: 'project.created',
        actor,
        projectId: project.id,
        subjectType: 'Project',
        subjectId: project.id,
        summary: `${actor.username} created project ${project.name}.`,
        after: { name: project.name, description: project.description },
      });
      await record({
        type: 'membership.added',
        actor,
        projectId: project.id,
        subjectType: 'User',
        subjectId: actor.userId,
        summary: `${actor.username} is the owner of ${project.name}.`,
        after: { username: actor.username, role: 'owner' },
      });
      return project;
    });
  }

  async update(
    actor: Actor,
    projectId: string,
    input: z.input<typeof updateProjectSchema>,
  ): Promise<ProjectRow> {
    const data = validate(updateProjectSchema, input);
    try {
      return await this.uow.run(async (tx, record) => {
        const { project: before } = await authorizeProject(tx, actor, projectId, 'project.update');
        if (data.name && before.personalOf && data.name !== before.name) {
          throw conflict('A personal project keeps the name of its user.', 'name');
        }
        const [after] = await tx
          .update(projects)
          .set({
            name: data.name ?? before.name,
            description: data.description ?? before.description,
            updatedAt: new Date(),
          })
          .where(eq(projects.id, projectId))
          .returning();
        await record({
          type: 'project.updated',
          actor,
          projectId,
          subjectType: 'Project',
          subjectId: projectId,
          summary: `${actor.username} updated project ${after!.name}.`,
          before: { name: before.name, description: before.description },
          after: { name: after!.name, description: after!.description },
        });
        return after!;
      });
    } catch (error) {
      if (data.name && uniqueViolation(error) === 'projects_name_key') throw nameTaken(data.name);
      throw error;
    }
  }

  async delete(actor: Actor, projectId: string): Promise<ProjectRow> {
    return this.uow.run(async (tx, record) => {
      const { project } = await authorizeProject(tx, actor, projectId, 'project.delete');
      if (project.personalOf) throw conflict('A personal project cannot be deleted.');
      // Locked first: a create or an account added meanwhile waits, and is counted or refused.
      await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for('update');
      const [live, owned] = await Promise.all([
        liveMachines(tx, { projectId }),
        tx
          .select({ name: providerAccounts.name })
          .from(providerAccounts)
          .where(eq(providerAccounts.ownerProjectId, projectId))
          .orderBy(providerAccounts.name),
      ]);
      if (live > 0) {
        throw conflict(
          `Project ${project.name} still has ${counted(live, 'machine')}; delete ${themOrIt(live)} before the project.`,
        );
      }
      if (owned.length > 0) {
        const names = owned.map((a) => `"${a.name}"`).join(', ');
        throw conflict(
          `Project ${project.name} brought the provider ${owned.length === 1 ? 'account' : 'accounts'} ${names}; delete ${themOrIt(owned.length)} before the project.`,
        );
      }
      // Its deleted machines go with it; the activity log keeps their events.
      await tx.delete(machines).where(eq(machines.projectId, projectId));
      await record({
        type: 'project.deleted',
        actor,
        projectId,
        subjectType: 'Project',
        subjectId: projectId,
        summary: `${actor.username} deleted project ${project.name}.`,
        before: { name: project.name },
      });
      await tx.delete(projects).where(eq(projects.id, projectId));
      return project;
    });
  }
}
