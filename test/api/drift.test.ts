import { join } from 'node:path';
import { localConnectorFactory } from '@levante/connector-local';
import { providers } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { fromGlobalId } from '@levante/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedSiteOffer, embeddedSiteOffer } from '../support/embedded-site-offer.ts';
import { dataOf, errorCode, gql } from '../support/graphql-client.ts';
import { adminToken, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';

const MACHINE = 'query M($id: ID!) { machine(id: $id) { state host { name } } }';
const ACCOUNT = 'query A($p: ID!) { providerAccounts(projectId: $p) { id reconciledAt reconcileError } }';
const RECONCILE =
  'mutation R($input: AccountInput!) { reconcileProviderAccount(input: $input) { checked changed account { reconciledAt reconcileError } } }';

describe.each(TEST_DATABASE_KINDS)('a machine changed outside Levante, through the API on %s', (kind) => {
  let levante: LevanteUnderTest;
  let token: string;
  let offer: EmbeddedSiteOffer;
  const call = <T>(query: string, variables: Record<string, unknown> = {}, as = token) =>
    gql<T>(levante.url, query, variables, { token: as });
  const stateOf = async (id: string) =>
    dataOf(await call<{ machine: { state: string } }>(MACHINE, { id })).machine.state;
  const waitForState = async (id: string, wanted: string) => {
    const deadline = Date.now() + 30_000;
    let state = await stateOf(id);
    while (state !== wanted && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      state = await stateOf(id);
    }
    return state;
  };

  /** Stops the machine with the site's own API, as somebody would without Levante. */
  const stopOutside = async (machineId: string) => {
    const db = levante.running!.database.db;
    const [provider] = await db.select().from(providers);
    const { providerRef } = dataOf(
      await call<{ machine: { providerRef: string } }>(
        'query P($id: ID!) { machine(id: $id) { providerRef } }',
        {
          id: machineId,
        },
      ),
    ).machine;
    const connector = await localConnectorFactory.connect({
      endpoint: null,
      credentials: { token: 'local' },
      settings: provider!.settings,
      dataDir: join(levante.home, 'accounts', fromGlobalId('ProviderAccount', offer.accountId)),
    });
    try {
      await connector.act({ ref: providerRef, location: 'lyon' }, 'stop');
    } finally {
      await connector.close();
    }
  };

  beforeAll(async () => {
    // A pass every second: the test sees the periodic reconciliation, not only the one it asks for.
    levante = await levanteUnderTest(kind, { seedSite: true, env: { LEVANTE_RECONCILE_INTERVAL: '1' } });
    token = await adminToken(levante);
    offer = await embeddedSiteOffer(call, 'lyon');
  }, 60_000);
  afterAll(() => levante?.destroy());

  it('shows a machine stopped at the provider as STOPPED, by itself, with the change in the activity', async () => {
    const created = dataOf(
      await call<{ createMachine: { machine: { id: string } } }>(
        'mutation C($input: CreateMachineInput!) { createMachine(input: $input) { machine { id } } }',
        { input: { ...offer, name: 'stopped-elsewhere' } },
      ),
    ).createMachine.machine;
    expect(await waitForState(created.id, 'STARTED')).toBe('STARTED');

    await stopOutside(created.id);
    expect(await waitForState(created.id, 'STOPPED')).toBe('STOPPED');
    const activity = dataOf(
      await call<{ events: { edges: { node: { summary: string; actorId: string | null } }[] } }>(
        'query E($p: ID!) { events(projectId: $p, first: 5) { edges { node { summary actorId } } } }',
        { p: offer.projectId },
      ),
    ).events.edges.map((e) => e.node);
    expect(activity).toContainEqual({
      summary: 'Machine stopped-elsewhere is STOPPED: it was changed outside Levante.',
      actorId: null,
    });
    const [account] = dataOf(
      await call<{ providerAccounts: { reconciledAt: string | null; reconcileError: string | null }[] }>(
        ACCOUNT,
        {
          p: offer.projectId,
        },
      ),
    ).providerAccounts;
    expect(account!.reconciledAt).not.toBeNull();
    expect(account!.reconcileError).toBeNull();
  }, 60_000);

  it('runs a pass when asked, for those who may change the account', async () => {
    const asked = dataOf(
      await call<{
        reconcileProviderAccount: { checked: number; changed: number; account: { reconciledAt: string } };
      }>(RECONCILE, { input: { accountId: offer.accountId } }),
    ).reconcileProviderAccount;
    expect(asked.checked).toBeGreaterThanOrEqual(1);
    expect(asked.changed).toBe(0);
    expect(Date.parse(asked.account.reconciledAt)).toBeGreaterThan(Date.now() - 60_000);

    dataOf(
      await call('mutation U($input: CreateUserInput!) { createUser(input: $input) { user { id } } }', {
        input: { username: 'outsider', password: 'a long enough password', mustChangePassword: false },
      }),
    );
    const outsider = dataOf(
      await gql<{ login: { token: string } }>(
        levante.url,
        'mutation { login(input: { username: "outsider", password: "a long enough password" }) { token } }',
      ),
    ).login.token;
    expect(errorCode(await call(RECONCILE, { input: { accountId: offer.accountId } }, outsider))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await call(RECONCILE, { input: { accountId: 'not-an-id' } }))).toBe('BAD_USER_INPUT');
  });
});
