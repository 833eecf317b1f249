import { EMBEDDED_SITE_EXISTING, EMBEDDED_SITE_HOSTS } from '@levante/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedSiteOffer } from '../support/embedded-site-offer.ts';
import { dataOf, errorCode, gql } from '../support/graphql-client.ts';
import { adminToken, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';

describe('a fresh install', () => {
  let levante: LevanteUnderTest;
  let token: string;
  const call = <T>(query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(levante.url, query, variables, { token });

  beforeAll(async () => {
    levante = await levanteUnderTest('pglite', { seedSite: true });
    token = await adminToken(levante);
  }, 60_000);
  afterAll(() => levante?.destroy());

  it('has the local provider with a simulated site of two locations and mixed hypervisors', async () => {
    const hosts = dataOf(
      await call<{ hosts: { name: string; location: string; cluster: string; hypervisor: string }[] }>(
        '{ hosts { name location cluster hypervisor } }',
      ),
    );
    expect(hosts.hosts).toHaveLength(EMBEDDED_SITE_HOSTS.length);
    expect(new Set(hosts.hosts.map((h) => h.location))).toEqual(new Set(['paris', 'lyon']));
    expect(new Set(hosts.hosts.filter((h) => h.location === 'paris').map((h) => h.cluster)).size).toBe(2);
    expect(new Set(hosts.hosts.map((h) => h.hypervisor))).toEqual(new Set(['KVM', 'XEN', 'ESX']));
  });

  it('lets the admin create a machine in their personal project right away', async () => {
    const offer = await embeddedSiteOffer(call, 'lyon');
    const created = dataOf(
      await call<{ createMachine: { machine: { id: string; host: { name: string } } } }>(
        'mutation C($input: CreateMachineInput!) { createMachine(input: $input) { machine { id host { name } } } }',
        { input: { ...offer, name: 'first' } },
      ),
    );
    expect(created.createMachine.machine.host.name).toMatch(/^lyon-a-\d$/);
    const deadline = Date.now() + 20_000;
    let state = '';
    while (state !== 'STARTED' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      state = dataOf(
        await call<{ machine: { state: string } }>('query M($id: ID!) { machine(id: $id) { state } }', {
          id: created.createMachine.machine.id,
        }),
      ).machine.state;
    }
    expect(state).toBe('STARTED');
  }, 30_000);

  it('shows the machines the site already ran, and adopts one into the personal project', async () => {
    const me = dataOf(
      await call<{ projects: { edges: { node: { id: string; personal: boolean } }[] } }>(
        '{ projects { edges { node { id personal } } } }',
      ),
    );
    const projectId = me.projects.edges.find((e) => e.node.personal)!.node.id;
    const [account] = dataOf(
      await call<{ providerAccounts: { id: string }[] }>(
        'query A($p: ID!) { providerAccounts(projectId: $p) { id } }',
        {
          p: projectId,
        },
      ),
    ).providerAccounts;
    type Unmanaged = {
      ref: string;
      name: string;
      state: string;
      host: string;
      location: { id: string; ref: string };
      configuration: { ref: string } | null;
    };
    const UNMANAGED =
      'query U($p: ID!, $a: ID!) { unmanagedMachines(projectId: $p, accountId: $a) { ref name state host location { id ref } configuration { ref } } }';
    const listed = dataOf(
      await call<{ unmanagedMachines: Unmanaged[] }>(UNMANAGED, { p: projectId, a: account!.id }),
    ).unmanagedMachines;
    expect(listed.map((m) => [m.name, m.state, m.host, m.location.ref, m.configuration?.ref])).toEqual(
      EMBEDDED_SITE_EXISTING.map((e) => [
        e.name,
        'state' in e ? 'STOPPED' : 'STARTED',
        e.host,
        e.location,
        e.configuration,
      ]).sort(),
    );

    const web = listed.find((m) => m.name === 'legacy-web')!;
    const ADOPT =
      'mutation A($input: AdoptMachineInput!) { adoptMachine(input: $input) { machine { id name state host { name } } } }';
    const input = { projectId, accountId: account!.id, locationId: web.location.id, ref: web.ref };
    const adopted = dataOf(
      await call<{ adoptMachine: { machine: Record<string, unknown> } }>(ADOPT, { input }),
    );
    expect(adopted.adoptMachine.machine).toMatchObject({
      name: 'legacy-web',
      state: 'STARTED',
      host: { name: 'paris-a-1' },
    });
    const twice = await call(ADOPT, { input });
    expect(errorCode(twice)).toBe('CONFLICT');
    const left = dataOf(
      await call<{ unmanagedMachines: Unmanaged[] }>(UNMANAGED, { p: projectId, a: account!.id }),
    ).unmanagedMachines;
    expect(left.map((m) => m.name)).toEqual(['legacy-db']);
  });
});
