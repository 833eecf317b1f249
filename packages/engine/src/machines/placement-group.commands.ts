import { type Database, liveMachine, machines, type PlacementGroupRow, placementGroups } from '@levante/db';
import { type Actor, conflict, counted, notFound, themOrIt, validate } from '@levante/domain';
import { and, asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import { authorizeProject } from '../projects/project-access.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { liveMachines } from './live-machines.ts';

const groupSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'A placement group name cannot be empty.')
    .max(64, 'A placement group name can have at most 64 characters.'),
  policy: z.enum(['affinity', 'anti-affinity'], { message: 'The policy is affinity or anti-affinity.' }),
});

/** A placement group with the number of its machines that are not DELETED. */
export interface PlacementGroupWithMembers extends PlacementGroupRow {
  readonly members: number;
}

/** Affinity keeps a group's machines on one host; anti-affinity spreads them over distinct hosts. */
export class PlacementGroupCommands {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
  ) {}

  async create(
    actor: Actor,
    projectId: string,
    input: z.input<typeof groupSchema>,
  ): Promise<PlacementGroupRow> {
    const data = validate(groupSchema, input);
    return this.uow.run(async (tx, record) => {
      const { project } = await authorizeProject(tx, actor, projectId, 'resource.write');
      const [group] = await tx
        .insert(placementGroups)
        .values({ projectId, name: data.name, policy: data.policy })
        .onConflictDoNothing()
        .returning();
      if (!group)
        throw conflict(`Project ${project.name} already has a placement group named "${data.name}".`, 'name');
      await record({
        type: 'placement_group.created',
        actor,
        projectId,
        subjectType: 'PlacementGroup',
        subjectId: group.id,
        summary: `${actor.username} created the ${data.policy} group ${data.name}.`,
      });
      return group;
    });
  }

  /**
   * Deletes a group without machines. Refused (CONFLICT) while machines that
   * are not DELETED belong to it, as EC2 refuses for its placement groups:
   * their placement was chosen for the group, and a group that disappeared
   * under them would leave that choice unexplained. Deleted machines keep
   * their history, without the group.
   */
  async delete(actor: Actor, groupId: string): Promise<PlacementGroupRow> {
    return this.uow.run(async (tx, record) => {
      // Locked: a create placing in this group waits, then finds it gone.
      const [group] = await tx
        .select()
        .from(placementGroups)
        .where(eq(placementGroups.id, groupId))
        .for('update');
      if (!group) throw notFound('Placement group');
      await authorizeProject(tx, actor, group.projectId, 'resource.write');
      const members = await liveMachines(tx, { placementGroupId: group.id });
      if (members > 0) {
        throw conflict(
          `Placement group ${group.name} still has ${counted(members, 'machine')}; delete ${themOrIt(members)} first.`,
        );
      }
      await tx.delete(placementGroups).where(eq(placementGroups.id, group.id));
      await record({
        type: 'placement_group.deleted',
        actor,
        projectId: group.projectId,
        subjectType: 'PlacementGroup',
        subjectId: group.id,
        summary: `${actor.username} deleted the ${group.policy} group ${group.name}.`,
        before: { name: group.name, policy: group.policy },
      });
      return group;
    });
  }

  async list(actor: Actor, projectId: string): Promise<PlacementGroupWithMembers[]> {
    await authorizeProject(this.db, actor, projectId, 'resource.read');
    const rows = await this.db
      .select({ group: placementGroups, members: count(machines.id) })
      .from(placementGroups)
      .leftJoin(machines, and(eq(machines.placementGroupId, placementGroups.id), liveMachine))
      .where(eq(placementGroups.projectId, projectId))
      .groupBy(placementGroups.id)
      .orderBy(asc(placementGroups.name));
    return rows.map(({ group, members }) => ({ ...group, members }));
  }
}
