import { type ConnectorRegistry, capabilitiesFor, type DeclaredCapabilities } from '@levante/connector-api';
import {
  type Database,
  type LocationRow,
  locations,
  type MachineConfigurationRow,
  type MachineImageRow,
  machineConfigurations,
  machineImages,
  memberships,
  type ProviderAccountRow,
  type ProviderRow,
  projectAccounts,
  providerAccounts,
  providerInService,
  providerProjects,
  providers,
} from '@levante/db';
import { type Actor, notFound } from '@levante/domain';
import { and, asc, eq, exists, or, type SQL } from 'drizzle-orm';
import { toJSONSchema } from 'zod';
import { assertActive, authorizeProject, inMemberProjects } from '../projects/project-access.ts';

export interface VisibleAccount {
  readonly account: ProviderAccountRow;
  readonly provider: ProviderRow;
}

export interface ProviderKind {
  readonly kind: string;
  readonly displayName: string;
  readonly capabilities: DeclaredCapabilities;
  /** JSON Schema of the account credentials, to build a form from. */
  readonly credentialsSchema: Record<string, unknown>;
}

export class ProviderQueries {
  constructor(
    private readonly db: Database,
    private readonly registry: ConnectorRegistry,
  ) {}

  /** Providers the caller may use in any of their projects; every provider for platform admins. */
  async list(actor: Actor): Promise<ProviderRow[]> {
    assertActive(actor);
    return this.db
      .select()
      .from(providers)
      .where(and(providerInService, this.#visible(actor)))
      .orderBy(asc(providers.name));
  }

  async byId(actor: Actor, providerId: string): Promise<ProviderRow> {
    assertActive(actor);
    const [provider] = await this.db
      .select()
      .from(providers)
      .where(and(eq(providers.id, providerId), providerInService, this.#visible(actor)));
    if (!provider) throw notFound('Provider');
    return provider;
  }

  async locations(actor: Actor, providerId: string): Promise<LocationRow[]> {
    await this.byId(actor, providerId);
    return this.db
      .select()
      .from(locations)
      .where(eq(locations.providerId, providerId))
      .orderBy(asc(locations.ref));
  }

  async kinds(): Promise<ProviderKind[]> {
    return Promise.all(
      this.registry.kinds().map(async (kind) => {
        const factory = await this.registry.get(kind);
        return {
          kind,
          displayName: factory.displayName,
          capabilities: capabilitiesFor(factory),
          credentialsSchema: toJSONSchema(factory.credentialsSchema) as Record<string, unknown>,
        };
      }),
    );
  }

  /** What a provider of `kind` can do, with its `settings` when they matter (the local provider's driver). */
  async capabilities(
    kind: string,
    settings?: Readonly<Record<string, unknown>> | null,
  ): Promise<DeclaredCapabilities> {
    return capabilitiesFor(await this.registry.get(kind), settings);
  }

  /** Accounts a project may use (its own and those shared with it). */
  async accounts(actor: Actor, projectId: string): Promise<VisibleAccount[]> {
    await authorizeProject(this.db, actor, projectId, 'resource.read');
    return this.db
      .select({ account: providerAccounts, provider: providers })
      .from(projectAccounts)
      .innerJoin(providerAccounts, eq(providerAccounts.id, projectAccounts.accountId))
      .innerJoin(providers, eq(providers.id, providerAccounts.providerId))
      .where(eq(projectAccounts.projectId, projectId))
      .orderBy(asc(providers.name), asc(providerAccounts.name));
  }

  /** An account the caller can see through one of their projects. */
  async account(actor: Actor, accountId: string): Promise<VisibleAccount> {
    assertActive(actor);
    const [row] = await this.db
      .select({ account: providerAccounts, provider: providers })
      .from(providerAccounts)
      .innerJoin(providers, eq(providers.id, providerAccounts.providerId))
      .where(and(eq(providerAccounts.id, accountId), this.#accountVisible(actor)));
    if (!row) throw notFound('Provider account');
    return row;
  }

  /** The projects an account is shared with, among those the caller can see. */
  async accountProjects(actor: Actor, accountId: string): Promise<string[]> {
    await this.account(actor, accountId);
    const rows = await this.db
      .select({ projectId: projectAccounts.projectId })
      .from(projectAccounts)
      .where(
        and(
          eq(projectAccounts.accountId, accountId),
          inMemberProjects(this.db, actor, projectAccounts.projectId),
        ),
      );
    return rows.map((r) => r.projectId);
  }

  async images(actor: Actor, accountId: string, locationId: string): Promise<MachineImageRow[]> {
    await this.account(actor, accountId);
    return this.db
      .select()
      .from(machineImages)
      .where(and(eq(machineImages.accountId, accountId), eq(machineImages.locationId, locationId)))
      .orderBy(asc(machineImages.name));
  }

  async configurations(
    actor: Actor,
    accountId: string,
    locationId: string,
  ): Promise<MachineConfigurationRow[]> {
    await this.account(actor, accountId);
    return this.db
      .select()
      .from(machineConfigurations)
      .where(
        and(eq(machineConfigurations.accountId, accountId), eq(machineConfigurations.locationId, locationId)),
      )
      .orderBy(asc(machineConfigurations.vcpus), asc(machineConfigurations.memoryMiB));
  }

  #visible(actor: Actor): SQL | undefined {
    if (actor.isAdmin) return undefined;
    return or(
      eq(providers.visibility, 'all'),
      exists(
        this.db
          .select({ one: providerProjects.projectId })
          .from(providerProjects)
          .innerJoin(memberships, eq(memberships.projectId, providerProjects.projectId))
          .where(and(eq(providerProjects.providerId, providers.id), eq(memberships.userId, actor.userId))),
      ),
    );
  }

  #accountVisible(actor: Actor): SQL | undefined {
    if (actor.isAdmin) return undefined;
    return exists(
      this.db
        .select({ one: projectAccounts.projectId })
        .from(projectAccounts)
        .innerJoin(memberships, eq(memberships.projectId, projectAccounts.projectId))
        .where(and(eq(projectAccounts.accountId, providerAccounts.id), eq(memberships.userId, actor.userId))),
    );
  }
}
