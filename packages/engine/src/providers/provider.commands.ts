import type { ConnectorRegistry } from '@levante/connector-api';
import { type Database, type ProviderRow, projects, providerProjects, providers } from '@levante/db';
import { type Actor, badInput, conflict, notFound, validate } from '@levante/domain';
import { eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { assertPlatformAdmin } from '../projects/project-access.ts';
import type { UnitOfWork } from '../unit-of-work.ts';

const registerProviderSchema = z.object({
  kind: z.string().min(1, 'Choose a provider kind.').max(40),
  name: z
    .string()
    .trim()
    .min(2, 'A provider name needs at least 2 characters.')
    .max(64, 'A provider name can have at most 64 characters.'),
  endpoint: z.url('The endpoint must be a URL.').max(500).nullish(),
  visibility: z.enum(['all', 'projects']).default('all'),
  projectIds: z.array(z.uuid()).max(1000).default([]),
  settings: z.record(z.string(), z.unknown()).default({}),
});

export class ProviderCommands {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly registry: ConnectorRegistry,
  ) {}

  /** Registers a provider; platform admins only. Settings are checked by the connector's schema. */
  async register(actor: Actor | null, input: z.input<typeof registerProviderSchema>): Promise<ProviderRow> {
    if (actor) assertPlatformAdmin(actor);
    const data = validate(registerProviderSchema, input);
    if (!this.registry.has(data.kind)) {
      throw badInput(
        'kind',
        `Levante has no "${data.kind}" connector. Known kinds: ${this.registry.kinds().join(', ')}.`,
      );
    }
    const factory = await this.registry.get(data.kind);
    const settings = validate(factory.settingsSchema, data.settings, 'settings') as Record<string, unknown>;
    return this.uow.run(async (tx, record) => {
      await this.#assertProjectsExist(data.projectIds);
      const [provider] = await tx
        .insert(providers)
        .values({
          kind: data.kind,
          name: data.name,
          endpoint: data.endpoint ?? null,
          visibility: data.visibility,
          settings,
        })
        .onConflictDoNothing()
        .returning();
      if (!provider) throw conflict(`A provider named "${data.name}" already exists.`, 'name');
      if (data.visibility === 'projects' && data.projectIds.length > 0) {
        await tx
          .insert(providerProjects)
          .values(data.projectIds.map((projectId) => ({ providerId: provider.id, projectId })));
      }
      await record({
        type: 'provider.registered',
        actor,
        projectId: null,
        subjectType: 'Provider',
        subjectId: provider.id,
        summary: `Provider ${provider.name} (${provider.kind}) was registered, visible to ${
          data.visibility === 'all' ? 'all projects' : `${data.projectIds.length} project(s)`
        }.`,
        after: { name: provider.name, kind: provider.kind, visibility: provider.visibility },
      });
      return provider;
    });
  }

  /** Changes who may use a provider. Accounts already brought stay. */
  async setVisibility(
    actor: Actor,
    providerId: string,
    visibility: 'all' | 'projects',
    projectIds: readonly string[],
  ): Promise<ProviderRow> {
    assertPlatformAdmin(actor);
    await this.#assertProjectsExist(projectIds);
    return this.uow.run(async (tx, record) => {
      const [provider] = await tx
        .update(providers)
        .set({ visibility, updatedAt: new Date() })
        .where(eq(providers.id, providerId))
        .returning();
      if (!provider) throw notFound('Provider');
      await tx.delete(providerProjects).where(eq(providerProjects.providerId, providerId));
      if (visibility === 'projects' && projectIds.length > 0) {
        await tx.insert(providerProjects).values(projectIds.map((projectId) => ({ providerId, projectId })));
      }
      await record({
        type: 'provider.updated',
        actor,
        projectId: null,
        subjectType: 'Provider',
        subjectId: providerId,
        summary: `Provider ${provider.name} is now visible to ${visibility === 'all' ? 'all projects' : `${projectIds.length} project(s)`}.`,
        after: { visibility },
      });
      return provider;
    });
  }

  async #assertProjectsExist(projectIds: readonly string[]): Promise<void> {
    if (projectIds.length === 0) return;
    const found = await this.db
      .select({ id: projects.id })
      .from(projects)
      .where(inArray(projects.id, [...projectIds]));
    if (found.length !== new Set(projectIds).size) throw notFound('One of the projects');
  }
}
