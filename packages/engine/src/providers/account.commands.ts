import { type Connector, ConnectorError, type ConnectorRegistry } from '@levante/connector-api';
import {
  type Database,
  type Executor,
  liveMachine,
  machines,
  type ProviderAccountRow,
  type ProviderRow,
  projectAccounts,
  providerAccounts,
  providerInService,
  providers,
  uniqueViolation,
} from '@levante/db';
import { type Actor, badInput, conflict, counted, notFound, themOrIt, validate } from '@levante/domain';
import { and, eq, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { liveMachines } from '../machines/live-machines.ts';
import type { MachineReconciler, Reconciliation } from '../machines/machine-reconciler.ts';
import { authorizeProject } from '../projects/project-access.ts';
import type { CredentialCipher } from '../secrets/credential-cipher.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { readCatalog, storeCatalog } from './catalog-sync.ts';
import type { ConnectorPool } from './connector-pool.ts';
import { providerError } from './provider-errors.ts';
import { providerUsableBy } from './provider-visibility.ts';

const accountNameSchema = z
  .string()
  .trim()
  .min(1, 'An account name cannot be empty.')
  .max(64, 'An account name can have at most 64 characters.');

export interface AddAccountInput {
  readonly projectId: string;
  readonly providerId: string;
  readonly name: string;
  readonly credentials: unknown;
}

/** Absent: unchanged. New credentials are checked with the provider before they replace the old. */
export interface UpdateAccountInput {
  readonly name?: string;
  readonly credentials?: unknown;
}

/** The event type that says an account changed; `after.reconnect` when its connections must be opened again. */
export const ACCOUNT_UPDATED = 'account.updated';

export class AccountCommands {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly registry: ConnectorRegistry,
    private readonly pool: ConnectorPool,
    private readonly cipher: CredentialCipher,
    private readonly reconciler: MachineReconciler,
  ) {}

  /**
   * Adds an account to a project. The credentials are checked with the provider
   * first: refused ones are never stored. Then the catalog is read and cached.
   */
  async add(actor: Actor, input: AddAccountInput): Promise<ProviderAccountRow> {
    const name = validate(accountNameSchema, input.name, 'name');
    const { project } = await authorizeProject(this.db, actor, input.projectId, 'resource.write');
    const [provider] = await this.db
      .select()
      .from(providers)
      .where(and(eq(providers.id, input.providerId), providerUsableBy(this.db, project.id)));
    if (!provider) throw notFound('Provider');
    const {
      credentials,
      remoteName,
      checked: catalog,
    } = await this.#withCredentials(provider, input.credentials, null, readCatalog);
    return this.uow.run(async (tx, record) => {
      const [account] = await tx
        .insert(providerAccounts)
        .values({
          providerId: provider.id,
          ownerProjectId: project.id,
          name,
          remoteName,
          credentials: this.cipher.encrypt(credentials),
          createdBy: actor.userId,
        })
        .onConflictDoNothing()
        .returning();
      if (!account) throw conflict(`Project ${project.name} already has an account named "${name}".`, 'name');
      await tx.insert(projectAccounts).values({ projectId: project.id, accountId: account.id });
      await storeCatalog(tx, provider.id, account.id, catalog);
      await record({
        type: 'account.added',
        actor,
        projectId: project.id,
        subjectType: 'ProviderAccount',
        subjectId: account.id,
        summary: `${actor.username} added the ${provider.name} account "${name}" to ${project.name}.`,
        after: {
          name,
          provider: provider.name,
          locations: catalog.locations.length,
          images: catalog.images.length,
        },
      });
      return account;
    });
  }

  /**
   * Renames an account, or replaces its credentials (keys rotated at the
   * provider). New credentials are checked as when the account was added,
   * and must still reach every machine the account has: credentials of
   * another account at the provider would leave them unmanaged. Every
   * process reconnects with them (see `ACCOUNT_UPDATED`).
   */
  async update(actor: Actor, accountId: string, input: UpdateAccountInput): Promise<ProviderAccountRow> {
    const name = input.name === undefined ? undefined : validate(accountNameSchema, input.name, 'name');
    const current = await this.#loadWritable(this.db, actor, accountId);
    const [provider] = await this.db
      .select()
      .from(providers)
      .where(and(eq(providers.id, current.providerId), providerInService));
    if (!provider) throw notFound('Provider');
    const rotated =
      input.credentials === undefined
        ? null
        : await this.#checkedCredentials(provider, accountId, input.credentials);
    let updated: ProviderAccountRow;
    try {
      updated = await this.uow.run(async (tx, record) => {
        const [account] = await tx
          .update(providerAccounts)
          .set({
            name: name ?? current.name,
            ...(rotated
              ? { credentials: this.cipher.encrypt(rotated.credentials), remoteName: rotated.remoteName }
              : {}),
            updatedAt: new Date(),
          })
          .where(eq(providerAccounts.id, accountId))
          .returning();
        if (!account) throw notFound('Provider account');
        const changes = [
          account.name !== current.name ? `renamed from "${current.name}"` : null,
          rotated ? 'new credentials' : null,
        ].filter((change) => change !== null);
        await record({
          type: ACCOUNT_UPDATED,
          actor,
          projectId: account.ownerProjectId,
          subjectType: 'ProviderAccount',
          subjectId: accountId,
          summary: `${actor.username} changed the account "${account.name}"${changes.length ? `: ${changes.join(', ')}` : ''}.`,
          before: { name: current.name },
          after: { name: account.name, reconnect: rotated !== null },
        });
        return account;
      });
    } catch (error) {
      if (uniqueViolation(error) === 'provider_accounts_project_name_key') {
        throw conflict(`The project already has an account named "${name}".`, 'name');
      }
      throw error;
    }
    // This process at once; the others when they hear the event.
    if (rotated) await this.pool.forget(accountId);
    return updated;
  }

  /** Credentials the provider accepts and that reach the account's machines; refused otherwise, nothing stored. */
  async #checkedCredentials(
    provider: ProviderRow,
    accountId: string,
    given: unknown,
  ): Promise<{ credentials: unknown; remoteName: string }> {
    const managed = await this.db
      .select({ name: machines.name, ref: machines.providerRef })
      .from(machines)
      .where(and(eq(machines.accountId, accountId), liveMachine, isNotNull(machines.providerRef)));
    // The account's own connection place: a connector that keeps state per account sees its machines.
    return this.#withCredentials(provider, given, accountId, async (connector) => {
      if (managed.length === 0) return;
      const seen = new Set<string>();
      for await (const machine of connector.listMachines()) seen.add(machine.ref);
      const unreached = managed.filter((m) => !seen.has(m.ref!)).map((m) => m.name);
      if (unreached.length > 0) {
        throw badInput(
          'credentials',
          `These credentials do not reach ${unreached.length} of this account's machines (${unreached.slice(0, 5).join(', ')}${unreached.length > 5 ? ', …' : ''}): they may belong to another account at ${provider.name}.`,
        );
      }
    });
  }

  /**
   * Connects with credentials not stored yet, has the provider validate them,
   * then runs `check` on the connection, and closes it. A refusal of the
   * credentials is BAD_USER_INPUT at `credentials`, another provider failure
   * PROVIDER_ERROR: the caller stores nothing either way.
   */
  async #withCredentials<T>(
    provider: ProviderRow,
    given: unknown,
    accountId: string | null,
    check: (connector: Connector) => Promise<T>,
  ): Promise<{ credentials: unknown; remoteName: string; checked: T }> {
    const factory = await this.registry.get(provider.kind);
    const credentials = validate(factory.credentialsSchema, given, 'credentials');
    const connector = await this.pool.connectWith(provider, credentials, accountId);
    try {
      const { accountName } = await connector.validate();
      return { credentials, remoteName: accountName, checked: await check(connector) };
    } catch (error) {
      if (error instanceof ConnectorError && error.kind === 'AuthError') {
        throw badInput('credentials', `${provider.name} refused these credentials: ${error.message}`);
      }
      throw providerError(provider.name, error);
    } finally {
      await connector.close();
    }
  }

  /** Shares an account with another project; the caller must be able to write in both. */
  async associate(actor: Actor, accountId: string, projectId: string): Promise<void> {
    const account = await this.#loadWritable(this.db, actor, accountId);
    const { project } = await authorizeProject(this.db, actor, projectId, 'resource.write');
    const [usable] = await this.db
      .select({ id: providers.id })
      .from(providers)
      .where(and(eq(providers.id, account.providerId), providerUsableBy(this.db, projectId)));
    if (!usable) throw conflict(`This provider is not available to project ${project.name}.`, 'projectId');
    await this.uow.run(async (tx, record) => {
      const [row] = await tx
        .insert(projectAccounts)
        .values({ projectId, accountId })
        .onConflictDoNothing()
        .returning();
      if (!row) throw conflict(`The account is already shared with ${project.name}.`, 'projectId');
      await record({
        type: 'account.associated',
        actor,
        projectId,
        subjectType: 'ProviderAccount',
        subjectId: accountId,
        summary: `${actor.username} shared the account "${account.name}" with ${project.name}.`,
      });
    });
  }

  /** Stops sharing an account with a project that has no machine on it. */
  async dissociate(actor: Actor, accountId: string, projectId: string): Promise<void> {
    await this.uow.run(async (tx, record) => {
      const account = await this.#loadWritable(tx, actor, accountId);
      const { project } = await authorizeProject(tx, actor, projectId, 'resource.write');
      if (account.ownerProjectId === projectId) {
        throw conflict('An account cannot leave the project that brought it; delete the account instead.');
      }
      const machineCount = await liveMachines(tx, { accountId, projectId });
      if (machineCount > 0) {
        throw conflict(
          `Project ${project.name} still has ${counted(machineCount, 'machine')} on this account; delete ${themOrIt(machineCount)} first.`,
        );
      }
      const removed = await tx
        .delete(projectAccounts)
        .where(and(eq(projectAccounts.accountId, accountId), eq(projectAccounts.projectId, projectId)))
        .returning();
      if (removed.length === 0) throw notFound('Account association');
      await record({
        type: 'account.dissociated',
        actor,
        projectId,
        subjectType: 'ProviderAccount',
        subjectId: accountId,
        summary: `${actor.username} stopped sharing the account "${account.name}" with ${project.name}.`,
      });
    });
  }

  /** Deletes an account that no machine uses any more. */
  async delete(actor: Actor, accountId: string): Promise<ProviderAccountRow> {
    const deleted = await this.uow.run(async (tx, record) => {
      const account = await this.#loadWritable(tx, actor, accountId);
      const machineCount = await liveMachines(tx, { accountId });
      if (machineCount > 0) {
        throw conflict(
          `This account still has ${counted(machineCount, 'machine')}; delete ${themOrIt(machineCount)} before the account.`,
        );
      }
      await tx.delete(providerAccounts).where(eq(providerAccounts.id, accountId));
      await record({
        type: 'account.deleted',
        actor,
        projectId: account.ownerProjectId,
        subjectType: 'ProviderAccount',
        subjectId: accountId,
        summary: `${actor.username} deleted the account "${account.name}".`,
      });
      return account;
    });
    await this.pool.forget(accountId);
    return deleted;
  }

  /** Re-reads locations, images and configurations from the provider. */
  async refreshCatalog(actor: Actor, accountId: string): Promise<void> {
    const account = await this.#loadWritable(this.db, actor, accountId);
    const [provider] = await this.db.select().from(providers).where(eq(providers.id, account.providerId));
    const connector = await this.pool.forAccount(accountId);
    const catalog = await readCatalog(connector).catch((error: unknown) => {
      throw providerError(provider!.name, error);
    });
    await this.uow.run(async (tx, record) => {
      await storeCatalog(tx, account.providerId, accountId, catalog);
      await record({
        type: 'account.catalog_refreshed',
        actor,
        projectId: account.ownerProjectId,
        subjectType: 'ProviderAccount',
        subjectId: accountId,
        summary: `The catalog of "${account.name}" was refreshed: ${catalog.images.length} images, ${catalog.configurations.length} configurations.`,
      });
    });
  }

  /**
   * Compares the account's machines with its provider now, instead of at the
   * next periodic pass, and corrects those changed outside Levante.
   */
  async reconcile(actor: Actor, accountId: string): Promise<Reconciliation> {
    await this.#loadWritable(this.db, actor, accountId);
    return this.reconciler.reconcile(accountId);
  }

  /** The account, if the caller may change it: write access to the project that owns it. */
  async #loadWritable(tx: Executor, actor: Actor, accountId: string): Promise<ProviderAccountRow> {
    const [account] = await tx.select().from(providerAccounts).where(eq(providerAccounts.id, accountId));
    if (!account) throw notFound('Provider account');
    await authorizeProject(tx, actor, account.ownerProjectId, 'resource.write').catch((error: unknown) => {
      throw (error as { code?: string }).code === 'NOT_FOUND' ? notFound('Provider account') : error;
    });
    return account;
  }
}
