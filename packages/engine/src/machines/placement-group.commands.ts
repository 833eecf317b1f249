import { type Database, type PlacementGroupRow, placementGroups } from '@levante/db';
import { type Actor, conflict, validate } from '@levante/domain';
import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { authorizeProject } from '../projects/project-access.ts';
import type { UnitOfWork } from '../unit-of-work.ts';

const groupSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'A placement group name cannot be empty.')
    .max(64, 'A placement group name can have at most 64 characters.'),
  policy: z.enum(['affinity', 'anti-affinity'], { message: 'The policy is affinity or anti-affinity.' }),
});

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

  async list(actor: Actor, projectId: string): Promise<PlacementGroupRow[]> {
    await authorizeProject(this.db, actor, projectId, 'resource.read');
    return this.db
      .select()
      .from(placementGroups)
      .where(eq(placementGroups.projectId, projectId))
      .orderBy(asc(placementGroups.name));
  }
}
