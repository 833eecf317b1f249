import { join } from 'node:path';
import type { Connector, ConnectorRegistry } from '@levante/connector-api';
import { type Database, type ProviderRow, providerAccounts, providers } from '@levante/db';
import { notFound } from '@levante/domain';
import { eq } from 'drizzle-orm';
import type { CredentialCipher } from '../secrets/credential-cipher.ts';

/**
 * One live connector per provider account, connected on first use and kept:
 * SDK clients are built once (STYLE rule 2). Closed when the account changes.
 */
export class ConnectorPool {
  readonly #connections = new Map<string, Promise<Connector>>();
  /** The provider of each account connected (known once its connection is being opened). */
  readonly #providerOf = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly registry: ConnectorRegistry,
    private readonly cipher: CredentialCipher,
    private readonly dataDir: string | null,
  ) {}

  /** `accountId` is null for a machine whose account was deleted: like a missing account, it has no connector. */
  forAccount(accountId: string | null): Promise<Connector> {
    if (accountId === null) return Promise.reject(notFound('Provider account'));
    let connection = this.#connections.get(accountId);
    if (!connection) {
      connection = this.#connect(accountId);
      this.#connections.set(accountId, connection);
      connection.catch(() => this.#connections.delete(accountId));
    }
    return connection;
  }

  /** Connects with credentials that are not stored yet (accountId null), to validate them. */
  async connectWith(
    provider: ProviderRow,
    credentials: unknown,
    accountId: string | null,
  ): Promise<Connector> {
    const factory = await this.registry.get(provider.kind);
    return factory.connect({
      endpoint: provider.endpoint,
      credentials,
      settings: provider.settings,
      // Connectors that keep state (the simulator) keep it per account.
      dataDir: this.dataDir && accountId ? join(this.dataDir, 'accounts', accountId) : null,
    });
  }

  async forget(accountId: string): Promise<void> {
    const connection = this.#connections.get(accountId);
    this.#connections.delete(accountId);
    this.#providerOf.delete(accountId);
    await connection?.then((c) => c.close()).catch(() => {});
  }

  /**
   * Closes the connections to a provider's accounts (and those still being
   * opened, whose provider may be it); the next use opens them with its new
   * settings. They leave the pool at once, before this resolves.
   */
  forgetProvider(providerId: string): Promise<void> {
    const accounts = [...this.#connections.keys()].filter((accountId) => {
      const provider = this.#providerOf.get(accountId);
      return provider === undefined || provider === providerId;
    });
    return Promise.all(accounts.map((accountId) => this.forget(accountId))).then(() => {});
  }

  async close(): Promise<void> {
    await Promise.all([...this.#connections.keys()].map((id) => this.forget(id)));
  }

  async #connect(accountId: string): Promise<Connector> {
    const [row] = await this.db
      .select({ account: providerAccounts, provider: providers })
      .from(providerAccounts)
      .innerJoin(providers, eq(providers.id, providerAccounts.providerId))
      .where(eq(providerAccounts.id, accountId));
    if (!row) throw notFound('Provider account');
    this.#providerOf.set(accountId, row.provider.id);
    return this.connectWith(row.provider, this.cipher.decrypt(row.account.credentials), accountId);
  }
}
