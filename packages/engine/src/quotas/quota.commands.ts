import { type Database, quotas } from '@levante/db';
import { type Actor, validate } from '@levante/domain';
import { z } from 'zod';
import { assertPlatformAdmin, authorizeProject } from '../projects/project-access.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { type Limits, projectLimits, projectUsage, type Usage } from './quota-usage.ts';

const limit = z.number().int().min(0, 'A quota cannot be negative.').max(10_000_000).nullable();
const limitsSchema = z.object({ machines: limit, vcpus: limit, memoryMiB: limit, storageGiB: limit });

export interface QuotaView {
  readonly limits: Limits;
  readonly usage: Usage;
}

export class QuotaCommands {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
  ) {}

  /** Sets a project's limits (null: no limit); platform admins only. Usage above a new limit stays. */
  async set(actor: Actor, projectId: string, input: z.input<typeof limitsSchema>): Promise<QuotaView> {
    assertPlatformAdmin(actor);
    const limits = validate(limitsSchema, input);
    await this.uow.run(async (tx, record) => {
      const { project } = await authorizeProject(tx, actor, projectId, 'project.read');
      const before = await projectLimits(tx, projectId);
      await tx
        .insert(quotas)
        .values({ projectId, ...limits })
        .onConflictDoUpdate({ target: quotas.projectId, set: { ...limits, updatedAt: new Date() } });
      await record({
        type: 'quota.changed',
        actor,
        projectId,
        subjectType: 'Project',
        subjectId: projectId,
        summary: `${actor.username} changed the quotas of ${project.name}.`,
        before: { ...before },
        after: { ...limits },
      });
    });
    return this.view(actor, projectId);
  }

  async view(actor: Actor, projectId: string): Promise<QuotaView> {
    await authorizeProject(this.db, actor, projectId, 'resource.read');
    const [limits, usage] = await Promise.all([
      projectLimits(this.db, projectId),
      projectUsage(this.db, projectId),
    ]);
    return { limits, usage };
  }
}
