import type { ConnectorRegistry } from '@levante/connector-api';
import {
  type Database,
  hosts,
  type ProviderRow,
  projects,
  providerAccounts,
  providerInService,
  providerProjects,
  providers,
  type Transaction,
  uniqueViolation,
} from '@levante/db';
import { type Actor, badInput, conflict, counted, notFound, themOrIt, validate } from '@levante/domain';
import { and, count, eq, inArray } from 'drizzle-orm';
import { apply as applyMergePatch } from 'json-merge-patch';
import { z } from 'zod';
import type { JobQueue } from '../jobs/job-queue.ts';
import { assertPlatformAdmin } from '../projects/project-access.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import type { ConnectorPool } from './connector-pool.ts';
import { REFRESH_CATALOG_JOB, type RefreshCatalogPayload } from './refresh-catalog.job.ts';

const providerName = z
  .string()
  .trim()
  .min(2, 'A provider name needs at least 2 characters.')
  .max(64, 'A provider name can have at most 64 characters.');
const endpoint = z.url('The endpoint must be a URL.').max(500);

const registerProviderSchema = z.object({
  kind: z.string().min(1, 'Choose a provider kind.').max(40),
  name: providerName,
  endpoint: endpoint.nullish(),
  visibility: z.enum(['all', 'projects']).default('all'),
  projectIds: z.array(z.uuid()).max(1000).default([]),
  settings: z.record(z.string(), z.unknown()).default({}),
});

/**
 * Absent: unchanged; an endpoint of null removes it. `settings` is a JSON
 * merge patch (RFC 7396) of the current settings: objects merge, null
 * removes a key, anything else replaces it; so an admin changes one setting
 * without restating (or seeing) the others.
 */
const updateProviderSchema = z.object({
  name: providerName.optional(),
  endpoint: endpoint.nullish(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

/** The event type that says a provider changed; `after.reconnect` when its connections must be opened again. */
export const PROVIDER_UPDATED = 'provider.updated';

export class ProviderCommands {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly registry: ConnectorRegistry,
    private readonly pool: ConnectorPool,
    private readonly queue: JobQueue,
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
          data.visibility === 'all' ? 'all projects' : counted(data.projectIds.length, 'project')
        }.`,
        after: { name: provider.name, kind: provider.kind, visibility: provider.visibility },
      });
      return provider;
    });
  }

  /**
   * Renames a provider, or changes its endpoint or its connector settings
   * (a merge patch of them, checked by the connector's schema). Connections
   * to it are opened again, in every process of the installation (see
   * `PROVIDER_UPDATED`), so the next call uses the new endpoint and settings,
   * and a job per account reads its catalog again with them.
   */
  async update(
    actor: Actor,
    providerId: string,
    input: z.input<typeof updateProviderSchema>,
  ): Promise<ProviderRow> {
    assertPlatformAdmin(actor);
    const data = validate(updateProviderSchema, input);
    const [current] = await this.db
      .select()
      .from(providers)
      .where(and(eq(providers.id, providerId), providerInService));
    if (!current) throw notFound('Provider');
    const settings =
      data.settings === undefined
        ? current.settings
        : (validate(
            (await this.registry.get(current.kind)).settingsSchema,
            applyMergePatch(structuredClone(current.settings), data.settings),
            'settings',
          ) as Record<string, unknown>);
    const endpointAfter = data.endpoint === undefined ? current.endpoint : data.endpoint;
    const reconnect =
      endpointAfter !== current.endpoint || JSON.stringify(settings) !== JSON.stringify(current.settings);
    let updated: ProviderRow;
    try {
      updated = await this.uow.run(async (tx, record) => {
        const [provider] = await tx
          .update(providers)
          .set({ name: data.name ?? current.name, endpoint: endpointAfter, settings, updatedAt: new Date() })
          .where(and(eq(providers.id, providerId), providerInService))
          .returning();
        if (!provider) throw notFound('Provider');
        if (reconnect) await this.#refreshCatalogs(tx, provider, actor);
        const changes = [
          provider.name !== current.name ? `renamed from ${current.name}` : null,
          endpointAfter !== current.endpoint ? `endpoint ${endpointAfter ?? 'removed'}` : null,
          reconnect && endpointAfter === current.endpoint ? 'new settings' : null,
        ].filter((change) => change !== null);
        await record({
          type: PROVIDER_UPDATED,
          actor,
          projectId: null,
          subjectType: 'Provider',
          subjectId: providerId,
          summary: `Provider ${provider.name} was changed${changes.length ? `: ${changes.join(', ')}` : ''}.`,
          before: { name: current.name, endpoint: current.endpoint },
          after: { name: provider.name, endpoint: provider.endpoint, reconnect },
        });
        return provider;
      });
    } catch (error) {
      if (uniqueViolation(error) === 'providers_name_key') {
        throw conflict(`A provider named "${data.name}" already exists.`, 'name');
      }
      throw error;
    }
    // This process at once; the others when they hear the event.
    if (reconnect) {
      await this.pool.forgetProvider(providerId);
      this.queue.notify();
    }
    return updated;
  }

  /** Enqueues a catalog refresh for each account on the provider (see `refreshCatalogJob`). */
  async #refreshCatalogs(tx: Transaction, provider: ProviderRow, actor: Actor): Promise<void> {
    const accounts = await tx
      .select({ id: providerAccounts.id, projectId: providerAccounts.ownerProjectId })
      .from(providerAccounts)
      .where(eq(providerAccounts.providerId, provider.id));
    const version = provider.updatedAt.toISOString();
    await this.queue.enqueueAll(
      tx,
      accounts.map(({ id, projectId }) => ({
        kind: REFRESH_CATALOG_JOB,
        projectId,
        machineId: null,
        payload: { accountId: id } satisfies RefreshCatalogPayload,
        idempotencyKey: `catalog:${id}:${version}`,
        createdBy: actor.userId,
      })),
    );
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
        .where(and(eq(providers.id, providerId), providerInService))
        .returning();
      if (!provider) throw notFound('Provider');
      await tx.delete(providerProjects).where(eq(providerProjects.providerId, providerId));
      if (visibility === 'projects' && projectIds.length > 0) {
        await tx.insert(providerProjects).values(projectIds.map((projectId) => ({ providerId, projectId })));
      }
      await record({
        type: PROVIDER_UPDATED,
        actor,
        projectId: null,
        subjectType: 'Provider',
        subjectId: providerId,
        summary: `Provider ${provider.name} is now visible to ${visibility === 'all' ? 'all projects' : counted(projectIds.length, 'project')}.`,
        after: { visibility },
      });
      return provider;
    });
  }

  /**
   * Deletes a provider no project has an account on any more (refused with
   * CONFLICT before). Its hosts go; the row stays, with its settings
   * cleared (they may hold a site's secrets), for the history that names it:
   * DELETED machines still say where they ran. Its name is free again.
   */
  async delete(actor: Actor, providerId: string): Promise<ProviderRow> {
    assertPlatformAdmin(actor);
    return this.uow.run(async (tx, record) => {
      // Locked: an account being added to it waits, then finds it gone.
      const [provider] = await tx
        .select()
        .from(providers)
        .where(and(eq(providers.id, providerId), providerInService))
        .for('update');
      if (!provider) throw notFound('Provider');
      const [accounts] = await tx
        .select({ n: count() })
        .from(providerAccounts)
        .where(eq(providerAccounts.providerId, providerId));
      const n = accounts?.n ?? 0;
      if (n > 0) {
        throw conflict(
          `Provider ${provider.name} still has ${counted(n, 'account')}; the projects that brought ${themOrIt(n)} must delete ${themOrIt(n)} first.`,
        );
      }
      // Without accounts, no machine lives on its hosts: they hold only history, which keeps no host.
      const removedHosts = await tx
        .delete(hosts)
        .where(eq(hosts.providerId, providerId))
        .returning({ id: hosts.id });
      await tx.delete(providerProjects).where(eq(providerProjects.providerId, providerId));
      const [deleted] = await tx
        .update(providers)
        .set({ deletedAt: new Date(), settings: {}, updatedAt: new Date() })
        .where(eq(providers.id, providerId))
        .returning();
      await record({
        type: 'provider.deleted',
        actor,
        projectId: null,
        subjectType: 'Provider',
        subjectId: providerId,
        summary: `Provider ${provider.name} (${provider.kind}) was deleted${
          removedHosts.length > 0 ? `, with its ${counted(removedHosts.length, 'host')}` : ''
        }.`,
        before: { name: provider.name, kind: provider.kind, hosts: removedHosts.length },
      });
      return deleted!;
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
