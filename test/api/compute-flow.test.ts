import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorCode, eventually, gql, subscribe, wsClient } from '../support/graphql-client.ts';
import { ADMIN_PASSWORD, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';

const SITE_TOKEN = 'sesame-secret-42';
const LOGIN =
  'mutation L($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token user { id } } }';
const MACHINE_FIELDS = 'id name state allowedActions error host { id name } location { ref } addresses vcpus';
const CREATE_MACHINE = `mutation C($input: CreateMachineInput!) { createMachine(input: $input) { machine { ${MACHINE_FIELDS} } job { id state progress } } }`;
const ACT = `mutation A($id: ID!, $action: MachineAction!) { machineAction(input: { machineId: $id, action: $action }) { machine { ${MACHINE_FIELDS} } job { id } } }`;
const MACHINE = `query M($id: ID!) { machine(id: $id) { ${MACHINE_FIELDS} } }`;

interface Machine {
  id: string;
  name: string;
  state: string;
  allowedActions: string[];
  error: string | null;
  host: { id: string; name: string } | null;
  addresses: string[];
}

describe.each(TEST_DATABASE_KINDS)(
  'providers, accounts, machines, hosts and quotas through the API on %s',
  (kind) => {
    let levante: LevanteUnderTest;
    const tokens: Record<string, string> = {};
    let projectId: string;
    let providerId: string;
    let accountId: string;
    let paris: string;
    let lyon: string;
    const images: Record<string, string> = {};
    const configurations: Record<string, string> = {};
    const hostIds: Record<string, string> = {};

    const call = <T = Record<string, unknown>>(
      query: string,
      variables: Record<string, unknown>,
      as: string,
    ) => gql<T>(levante.url, query, variables, { token: tokens[as] });
    const machineInput = (name: string, extra: Record<string, unknown> = {}) => ({
      projectId,
      accountId,
      locationId: paris,
      imageId: images['debian-12@paris'],
      configurationId: configurations['small@paris'],
      name,
      ...extra,
    });
    const machine = async (id: string, as = 'alice'): Promise<Machine> =>
      dataOf(await call<{ machine: Machine }>(MACHINE, { id }, as)).machine;
    const poll = async (id: string, state: string, as = 'alice'): Promise<Machine> => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const m = await machine(id, as);
        if (m.state === state) return m;
        if (Date.now() > deadline)
          throw new Error(`machine ${m.name} is ${m.state}, expected ${state} (${m.error})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    beforeAll(async () => {
      levante = await levanteUnderTest(kind);
      tokens.admin = dataOf(
        await gql<{ login: { token: string } }>(levante.url, LOGIN, { u: 'admin', p: ADMIN_PASSWORD }),
      ).login.token;
      for (const username of ['alice', 'bob', 'carol']) {
        dataOf(
          await call(
            'mutation U($u: String!) { createUser(input: { username: $u, password: "a long enough password", mustChangePassword: false }) { user { id } } }',
            { u: username },
            'admin',
          ),
        );
        tokens[username] = dataOf(
          await gql<{ login: { token: string } }>(levante.url, LOGIN, {
            u: username,
            p: 'a long enough password',
          }),
        ).login.token;
      }
      projectId = dataOf(
        await call<{ createProject: { project: { id: string } } }>(
          'mutation { createProject(input: { name: "Apollo" }) { project { id } } }',
          {},
          'alice',
        ),
      ).createProject.project.id;
      dataOf(
        await call(
          'mutation A($p: ID!) { addMember(input: { projectId: $p, username: "bob", role: VIEWER }) { membership { role } } }',
          { p: projectId },
          'alice',
        ),
      );
    }, 60_000);
    afterAll(() => levante?.destroy());

    it('lets only platform admins register providers, with settings checked by the connector', async () => {
      const REGISTER =
        'mutation R($input: RegisterProviderInput!) { registerProvider(input: $input) { id name kind capabilities { hosts pause } } }';
      const settings = {
        token: SITE_TOKEN,
        bootDelayMs: 30,
        // Wide enough that a request sent while an action runs finds it running, even on a busy machine.
        stopDelayMs: 800,
        actionDelayMs: 800,
        faults: { failBootOnHosts: ['paris-bad'] },
      };
      expect(
        errorCode(await call(REGISTER, { input: { kind: 'local', name: 'Mine', settings } }, 'alice')),
      ).toBe('FORBIDDEN');
      const unknownKind = await call(REGISTER, { input: { kind: 'nope', name: 'Nope' } }, 'admin');
      expect(errorCode(unknownKind)).toBe('BAD_USER_INPUT');
      expect(unknownKind.errors?.[0]?.message).toMatch(/no "nope" connector.*local/);
      const badSettings = await call(
        REGISTER,
        { input: { kind: 'local', name: 'Bad', settings: { bootDelayMs: -5 } } },
        'admin',
      );
      expect(errorCode(badSettings)).toBe('BAD_USER_INPUT');
      expect(badSettings.errors?.[0]?.extensions?.field).toMatch(/^settings/);
      const created = dataOf(
        await call<{ registerProvider: { id: string; capabilities: { hosts: boolean } } }>(
          REGISTER,
          { input: { kind: 'local', name: 'Own site', settings } },
          'admin',
        ),
      );
      providerId = created.registerProvider.id;
      expect(created.registerProvider.capabilities.hosts).toBe(true);
      const kinds = dataOf(
        await call<{ providerKinds: { kind: string; credentialsSchema: { properties: object } }[] }>(
          '{ providerKinds { kind credentialsSchema } }',
          {},
          'alice',
        ),
      );
      expect(
        kinds.providerKinds.find((k) => k.kind === 'local')?.credentialsSchema.properties,
      ).toHaveProperty('token');
    });

    it('registers hosts (admins only), refusing nonsense', async () => {
      const REGISTER =
        'mutation H($input: RegisterHostInput!) { registerHost(input: $input) { id name location cluster allocatedVcpus } }';
      const host = (name: string, extra: Record<string, unknown> = {}) => ({
        providerId,
        location: 'paris',
        cluster: 'a',
        name,
        hypervisor: 'KVM',
        vcpus: 4,
        memoryMiB: 16_384,
        diskGiB: 500,
        ...extra,
      });
      expect(errorCode(await call(REGISTER, { input: host('nope') }, 'alice'))).toBe('FORBIDDEN');
      const zero = await call(REGISTER, { input: host('zero', { vcpus: 0 }) }, 'admin');
      expect(errorCode(zero)).toBe('BAD_USER_INPUT');
      expect(zero.errors?.[0]?.extensions?.field).toBe('vcpus');
      for (const [name, extra] of [
        ['paris-1', {}],
        ['paris-2', {}],
        ['paris-bad', { cluster: 'b' }],
        ['lyon-1', { location: 'lyon', cluster: null }],
      ] as const) {
        const created = dataOf(
          await call<{ registerHost: { id: string } }>(REGISTER, { input: host(name, extra) }, 'admin'),
        );
        hostIds[name] = created.registerHost.id;
      }
      expect(errorCode(await call(REGISTER, { input: host('paris-1') }, 'admin'))).toBe('CONFLICT');
      // The faulty host only takes machines it is asked to take.
      dataOf(
        await call(
          'mutation M($id: ID!) { setHostMaintenance(input: { hostId: $id, maintenance: true }) { maintenance } }',
          { id: hostIds['paris-bad'] },
          'admin',
        ),
      );
    });

    it('stores an account only after the provider accepted its credentials, and never shows them', async () => {
      const ADD =
        'mutation A($input: AddProviderAccountInput!) { addProviderAccount(input: $input) { id name remoteName provider { name } } }';
      const refused = await call(
        ADD,
        { input: { projectId, providerId, name: 'site', credentials: { token: 'wrong' } } },
        'alice',
      );
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.extensions?.field).toBe('credentials');
      const malformed = await call(
        ADD,
        { input: { projectId, providerId, name: 'site', credentials: { password: 1 } } },
        'alice',
      );
      expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
      const viewer = await call(
        ADD,
        { input: { projectId, providerId, name: 'site', credentials: { token: SITE_TOKEN } } },
        'bob',
      );
      expect(errorCode(viewer)).toBe('FORBIDDEN');
      const listedBefore = dataOf(
        await call<{ providerAccounts: unknown[] }>(
          'query P($p: ID!) { providerAccounts(projectId: $p) { id } }',
          { p: projectId },
          'alice',
        ),
      );
      expect(listedBefore.providerAccounts).toHaveLength(0);
      const added = dataOf(
        await call<{ addProviderAccount: { id: string } }>(
          ADD,
          { input: { projectId, providerId, name: 'site', credentials: { token: SITE_TOKEN } } },
          'alice',
        ),
      );
      accountId = added.addProviderAccount.id;
      const everything = await call(
        'query P($p: ID!) { providerAccounts(projectId: $p) { id name remoteName sharedWith provider { name locations { id ref } } } }',
        { p: projectId },
        'alice',
      );
      expect(JSON.stringify(everything)).not.toContain(SITE_TOKEN);
      const locations = (
        dataOf(everything) as {
          providerAccounts: { provider: { locations: { id: string; ref: string }[] } }[];
        }
      ).providerAccounts[0]!.provider.locations;
      paris = locations.find((l) => l.ref === 'paris')!.id;
      lyon = locations.find((l) => l.ref === 'lyon')!.id;
    });

    it('offers images and configurations per account and location', async () => {
      for (const [location, id] of [
        ['paris', paris],
        ['lyon', lyon],
      ] as const) {
        const catalog = dataOf(
          await call<{
            images: { id: string; ref: string }[];
            configurations: { id: string; ref: string; vcpus: number }[];
          }>(
            'query C($a: ID!, $l: ID!) { images(accountId: $a, locationId: $l) { id ref hypervisors } configurations(accountId: $a, locationId: $l) { id ref vcpus memoryMiB } }',
            { a: accountId, l: id },
            'bob',
          ),
        );
        for (const image of catalog.images) images[`${image.ref}@${location}`] = image.id;
        for (const c of catalog.configurations) configurations[`${c.ref}@${location}`] = c.id;
      }
      expect(images['debian-12@paris']).toBeTruthy();
      expect(configurations['small@paris']).toBeTruthy();
      const outsider = await call(
        'query C($a: ID!, $l: ID!) { images(accountId: $a, locationId: $l) { id } }',
        { a: accountId, l: paris },
        'carol',
      );
      expect(errorCode(outsider)).toBe('NOT_FOUND');
    });

    it('creates a machine that answers at once in CREATING and reaches STARTED on a host, live', async () => {
      const client = wsClient(levante.url, { token: tokens.alice });
      const changes = subscribe<{ machineChanged: { name: string; state: string } }>(
        client,
        'subscription { machineChanged { name state } }',
      );
      const placements = subscribe<{
        placementChanged: { kind: string; machineName: string; hostId: string };
      }>(client, 'subscription { placementChanged { kind machineName hostId state vcpus } }');
      await new Promise((r) => setTimeout(r, 200));
      const created = dataOf(
        await call<{ createMachine: { machine: Machine; job: { id: string; state: string } } }>(
          CREATE_MACHINE,
          { input: machineInput('web-1') },
          'alice',
        ),
      );
      expect(created.createMachine.machine.state).toBe('CREATING');
      expect(created.createMachine.machine.host?.name).toMatch(/^paris-[12]$/);
      expect(created.createMachine.job.state).toBe('queued');
      const started = await poll(created.createMachine.machine.id, 'STARTED');
      expect(started.addresses.length).toBeGreaterThan(0);
      expect(started.allowedActions).toEqual(['STOP', 'RESTART', 'PAUSE', 'SUSPEND', 'DELETE']);
      await eventually(
        () =>
          changes.received.some(
            (c) => c.machineChanged.name === 'web-1' && c.machineChanged.state === 'STARTED',
          ),
        'STARTED by subscription',
      );
      await eventually(
        () =>
          placements.received.some(
            (p) => p.placementChanged.kind === 'placed' && p.placementChanged.machineName === 'web-1',
          ),
        'placement',
      );
      expect(placements.received[0]?.placementChanged).toMatchObject({ hostId: started.host?.id, vcpus: 1 });
      const job = dataOf(
        await call<{ job: { state: string; progress: number } }>(
          'query J($id: ID!) { job(id: $id) { state progress } }',
          { id: created.createMachine.job.id },
          'alice',
        ),
      );
      expect(job.job).toEqual({ state: 'succeeded', progress: 100 });
      await client.dispose();
    });

    it('follows the CIMI state table for every action, and refuses the others before the provider sees them', async () => {
      const id = dataOf(
        await call<{ createMachine: { machine: Machine } }>(
          CREATE_MACHINE,
          { input: machineInput('db-1') },
          'alice',
        ),
      ).createMachine.machine.id;
      await poll(id, 'STARTED');
      const early = await call(ACT, { id, action: 'START' }, 'alice');
      expect(errorCode(early)).toBe('INVALID_STATE');
      expect(early.errors?.[0]?.message).toMatch(
        /db-1" is STARTED and cannot start; from STARTED you can stop, restart, pause, suspend, delete/,
      );
      for (const [action, during, to] of [
        ['STOP', 'STOPPING', 'STOPPED'],
        ['START', 'STARTING', 'STARTED'],
        ['RESTART', 'RESTARTING', 'STARTED'],
        ['PAUSE', 'PAUSING', 'PAUSED'],
        ['UNPAUSE', 'STARTING', 'STARTED'],
        ['SUSPEND', 'SUSPENDING', 'SUSPENDED'],
        ['RESUME', 'STARTING', 'STARTED'],
      ] as const) {
        const acted = dataOf(
          await call<{ machineAction: { machine: Machine } }>(ACT, { id, action }, 'alice'),
        );
        expect(acted.machineAction.machine.state).toBe(during);
        const busy = await call(ACT, { id, action: 'DELETE' }, 'alice');
        if (!busy.errors) throw new Error(`${action}: delete accepted while ${during}`);
        expect(errorCode(busy)).toBe('INVALID_STATE');
        expect(busy.errors?.[0]?.message).toMatch(/wait until it has finished/);
        await poll(id, to);
      }
      expect(errorCode(await call(ACT, { id, action: 'STOP' }, 'bob'))).toBe('FORBIDDEN');
      expect(errorCode(await call(ACT, { id, action: 'STOP' }, 'carol'))).toBe('NOT_FOUND');
      expect((await machine(id)).state).toBe('STARTED');
    });

    it("lists a machine's jobs, newest first, to the project's members only", async () => {
      const JOBS =
        'query J($filter: JobFilter, $first: Int) { jobs(filter: $filter, first: $first) { totalCount edges { node { kind summary state progress attempts maxAttempts machineName requestedBy projectId nextAttemptAt finishedAt } } } }';
      interface JobsPage {
        jobs: { totalCount: number; edges: { node: Record<string, unknown> }[] };
      }
      const [db1] = dataOf(
        await call<{ machines: { edges: { node: Machine }[] } }>(
          '{ machines(filter: { name: "db-1" }) { edges { node { id name state allowedActions error host { id name } addresses } } } }',
          {},
          'bob',
        ),
      ).machines.edges.map((e) => e.node);
      const page = dataOf(
        await call<JobsPage>(JOBS, { filter: { projectId, machineId: db1!.id }, first: 3 }, 'bob'),
      ).jobs;
      // The create and the seven actions of the state table.
      expect(page.totalCount).toBe(8);
      expect(page.edges.map((e) => e.node.summary)).toEqual([
        'Resume the machine',
        'Suspend the machine',
        'Unpause the machine',
      ]);
      expect(page.edges[0]?.node).toMatchObject({
        kind: 'machine.action',
        state: 'succeeded',
        progress: 100,
        attempts: 1,
        maxAttempts: 5,
        machineName: 'db-1',
        requestedBy: 'alice',
        projectId,
        nextAttemptAt: null,
      });
      expect(page.edges[0]?.node.finishedAt).toEqual(expect.any(String));

      // Outsiders: the project does not exist for them, and their own list is empty.
      expect(errorCode(await call(JOBS, { filter: { projectId } }, 'carol'))).toBe('NOT_FOUND');
      expect(dataOf(await call<JobsPage>(JOBS, { filter: { machineId: db1!.id } }, 'carol')).jobs).toEqual({
        totalCount: 0,
        edges: [],
      });
      const badState = await call(JOBS, { filter: { projectId, states: ['done'] } }, 'bob');
      expect(errorCode(badState)).toBe('BAD_USER_INPUT');
      expect(badState.errors?.[0]?.message).toMatch(/A job state is one of queued, running/);
    });

    it("refuses to cancel a finished job, and hides other projects' jobs", async () => {
      const CANCEL = 'mutation X($id: ID!) { cancelJob(id: $id) { state cancelRequested } }';
      const { jobs } = dataOf(
        await call<{ jobs: { edges: { node: { id: string } }[] } }>(
          'query { jobs(first: 1) { edges { node { id } } } }',
          {},
          'alice',
        ),
      );
      const id = jobs.edges[0]!.node.id;
      const finished = await call(CANCEL, { id }, 'alice');
      expect(errorCode(finished)).toBe('INVALID_STATE');
      expect(finished.errors?.[0]?.message).toMatch(
        /has finished \(succeeded\); there is nothing left to cancel/,
      );
      expect(errorCode(await call(CANCEL, { id }, 'bob'))).toBe('FORBIDDEN');
      expect(errorCode(await call(CANCEL, { id }, 'carol'))).toBe('NOT_FOUND');
      const malformed = await call(CANCEL, { id: 'not-a-job' }, 'alice');
      expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
      expect(malformed.errors?.[0]?.extensions?.field).toBe('id');
      expect(
        dataOf(
          await call<{ job: { state: string; cancelRequested: boolean } }>(
            'query J($id: ID!) { job(id: $id) { state cancelRequested } }',
            { id },
            'alice',
          ),
        ).job,
      ).toEqual({ state: 'succeeded', cancelRequested: false });
    });

    it('refuses bad machine requests with the right code, and creates nothing', async () => {
      const before = dataOf(
        await call<{ machines: { totalCount: number } }>('{ machines { totalCount } }', {}, 'alice'),
      ).machines.totalCount;
      const duplicate = await call(CREATE_MACHINE, { input: machineInput('WEB-1') }, 'alice');
      expect(errorCode(duplicate)).toBe('CONFLICT');
      expect(duplicate.errors?.[0]?.extensions?.field).toBe('name');
      const otherLocation = await call(
        CREATE_MACHINE,
        { input: machineInput('x1', { imageId: images['debian-12@lyon'] }) },
        'alice',
      );
      expect(errorCode(otherLocation)).toBe('BAD_USER_INPUT');
      expect(otherLocation.errors?.[0]).toMatchObject({
        message: 'Image Debian 12 is offered in Lyon, not in Paris.',
        extensions: { field: 'imageId' },
      });
      const tooBig = await call(
        CREATE_MACHINE,
        { input: machineInput('x2', { configurationId: configurations['huge@paris'] }) },
        'alice',
      );
      expect(errorCode(tooBig)).toBe('PROVIDER_ERROR');
      expect(tooBig.errors?.[0]?.message).toMatch(/^No host in paris can take 32 vCPUs/);
      expect(tooBig.errors?.[0]?.extensions).toMatchObject({ details: { providerError: 'CapacityError' } });
      const foreign = await call(
        CREATE_MACHINE,
        { input: machineInput('x3', { projectId: projectId }) },
        'carol',
      );
      expect(errorCode(foreign)).toBe('NOT_FOUND');
      const badName = await call(CREATE_MACHINE, { input: machineInput('-bad-') }, 'alice');
      expect(errorCode(badName)).toBe('BAD_USER_INPUT');
      const malformed = await call(
        CREATE_MACHINE,
        { input: machineInput('x4', { imageId: 'garbage' }) },
        'alice',
      );
      expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'imageId' });
      const hinted = await call(
        CREATE_MACHINE,
        { input: machineInput('x5', { hostId: hostIds['paris-1'] }) },
        'alice',
      );
      expect(errorCode(hinted)).toBe('FORBIDDEN');
      const after = dataOf(
        await call<{ machines: { totalCount: number } }>('{ machines { totalCount } }', {}, 'alice'),
      ).machines.totalCount;
      expect(after).toBe(before);
    });

    it('puts a machine whose host fails to boot it in ERROR with the reason, and gives the capacity back', async () => {
      dataOf(
        await call(
          'mutation M($id: ID!) { setHostMaintenance(input: { hostId: $id, maintenance: false }) { maintenance } }',
          { id: hostIds['paris-bad'] },
          'admin',
        ),
      );
      const created = dataOf(
        await call<{ createMachine: { machine: Machine } }>(
          CREATE_MACHINE,
          { input: machineInput('doomed', { hostId: hostIds['paris-bad'] }) },
          'admin',
        ),
      );
      expect(created.createMachine.machine.host?.name).toBe('paris-bad');
      const failed = await poll(created.createMachine.machine.id, 'ERROR');
      expect(failed.error).toMatch(/paris-bad.*failed to boot/);
      const hosts = dataOf(
        await call<{ hosts: { name: string; allocatedVcpus: number; machines: unknown[] }[] }>(
          '{ hosts { name allocatedVcpus machines { id } } }',
          {},
          'admin',
        ),
      );
      expect(hosts.hosts.find((h) => h.name === 'paris-bad')).toMatchObject({
        allocatedVcpus: 0,
        machines: [],
      });
      dataOf(
        await call(
          'mutation M($id: ID!) { setHostMaintenance(input: { hostId: $id, maintenance: true }) { maintenance } }',
          { id: hostIds['paris-bad'] },
          'admin',
        ),
      );
    });

    it('shows the host-level placement with capacity, allocation and machines', async () => {
      const hosts = dataOf(
        await call<{
          hosts: {
            name: string;
            maintenance: boolean;
            allocatedVcpus: number;
            machines: { name: string }[];
            otherMachines: number;
          }[];
        }>(
          'query H($l: ID) { hosts(locationId: $l) { name maintenance allocatedVcpus vcpus cpuAllocationRatio machines { name state } otherMachines } }',
          { l: paris },
          'alice',
        ),
      );
      const names = hosts.hosts.flatMap((h) => h.machines.map((m) => m.name)).sort();
      expect(names).toEqual(['db-1', 'web-1']);
      const allocated = hosts.hosts.reduce((sum, h) => sum + h.allocatedVcpus, 0);
      expect(allocated).toBe(2);
      expect(hosts.hosts.find((h) => h.name === 'paris-bad')?.maintenance).toBe(true);
      const carolView = dataOf(
        await call<{ hosts: { machines: unknown[]; otherMachines: number }[] }>(
          'query H($l: ID) { hosts(locationId: $l) { machines { id } otherMachines } }',
          { l: paris },
          'carol',
        ),
      );
      expect(carolView.hosts.flatMap((h) => h.machines)).toHaveLength(0);
      expect(carolView.hosts.reduce((n, h) => n + h.otherMachines, 0)).toBe(2);
    });

    it('spreads an anti-affinity group over distinct hosts', async () => {
      const group = dataOf(
        await call<{ createPlacementGroup: { id: string } }>(
          'mutation G($p: ID!) { createPlacementGroup(input: { projectId: $p, name: "spread", policy: ANTI_AFFINITY }) { id } }',
          { p: projectId },
          'alice',
        ),
      ).createPlacementGroup.id;
      const a = dataOf(
        await call<{ createMachine: { machine: Machine } }>(
          CREATE_MACHINE,
          { input: machineInput('spread-a', { placementGroupId: group }) },
          'alice',
        ),
      );
      const b = dataOf(
        await call<{ createMachine: { machine: Machine } }>(
          CREATE_MACHINE,
          { input: machineInput('spread-b', { placementGroupId: group }) },
          'alice',
        ),
      );
      expect(a.createMachine.machine.host?.id).not.toBe(b.createMachine.machine.host?.id);
      const third = await call(
        CREATE_MACHINE,
        { input: machineInput('spread-c', { placementGroupId: group }) },
        'alice',
      );
      expect(errorCode(third)).toBe('PROVIDER_ERROR');
      expect(third.errors?.[0]?.message).toMatch(/AntiAffinity/i);
      for (const m of [a, b]) await poll(m.createMachine.machine.id, 'STARTED');

      // The group counts its machines, and cannot be deleted from under them.
      const GROUPS = 'query G($p: ID!) { placementGroups(projectId: $p) { id name policy members } }';
      expect(dataOf(await call(GROUPS, { p: projectId }, 'bob')).placementGroups).toContainEqual({
        id: group,
        name: 'spread',
        policy: 'ANTI_AFFINITY',
        members: 2,
      });
      const DELETE_GROUP =
        'mutation D($g: ID!) { deletePlacementGroup(input: { placementGroupId: $g }) { deletedPlacementGroupId } }';
      const busy = await call(DELETE_GROUP, { g: group }, 'alice');
      expect(errorCode(busy)).toBe('CONFLICT');
      expect(busy.errors?.[0]?.message).toBe(
        'Placement group spread still has 2 machines; delete them first.',
      );
      expect(errorCode(await call(DELETE_GROUP, { g: group }, 'bob'))).toBe('FORBIDDEN');
      expect(errorCode(await call(DELETE_GROUP, { g: group }, 'carol'))).toBe('NOT_FOUND');
      expect(errorCode(await call(DELETE_GROUP, { g: 'not-an-id' }, 'alice'))).toBe('BAD_USER_INPUT');
      const empty = dataOf(
        await call<{ createPlacementGroup: { id: string } }>(
          'mutation G($p: ID!) { createPlacementGroup(input: { projectId: $p, name: "empty", policy: AFFINITY }) { id } }',
          { p: projectId },
          'alice',
        ),
      ).createPlacementGroup.id;
      expect(dataOf(await call(DELETE_GROUP, { g: empty }, 'alice'))).toEqual({
        deletePlacementGroup: { deletedPlacementGroupId: empty },
      });
      const names = dataOf<{ placementGroups: { name: string }[] }>(
        await call(GROUPS, { p: projectId }, 'alice'),
      ).placementGroups.map((g) => g.name);
      expect(names).toContain('spread');
      expect(names).not.toContain('empty');
    });

    it('lists the inventory with filters and pages, scoped to what each user may see', async () => {
      const INVENTORY =
        'query I($f: MachineFilter, $after: String) { machines(filter: $f, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name state provider { name } location { ref } } } } }';
      type Inventory = {
        machines: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
          edges: { node: { name: string } }[];
        };
      };
      const names: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: Inventory = dataOf(await call<Inventory>(INVENTORY, { f: { projectId }, after }, 'bob'));
        names.push(...page.machines.edges.map((e) => e.node.name));
        if (!page.machines.pageInfo.hasNextPage) break;
        after = page.machines.pageInfo.endCursor;
      }
      expect(names.sort()).toEqual(['db-1', 'doomed', 'spread-a', 'spread-b', 'web-1']);
      const errors = dataOf(await call<Inventory>(INVENTORY, { f: { states: ['ERROR'] } }, 'alice'));
      expect(errors.machines.edges.map((e) => e.node.name)).toEqual(['doomed']);
      const byName = dataOf(await call<Inventory>(INVENTORY, { f: { name: 'SPREAD' } }, 'alice'));
      expect(byName.machines.totalCount).toBe(2);
      expect(dataOf(await call<Inventory>(INVENTORY, {}, 'carol')).machines.totalCount).toBe(0);
      expect(errorCode(await call(INVENTORY, { f: { projectId } }, 'carol'))).toBe('NOT_FOUND');
    });

    it('enforces quotas set by platform admins, naming the limit', async () => {
      const SET =
        'mutation Q($input: SetQuotaInput!) { setQuota(input: $input) { limits { machines } usage { machines vcpus } } }';
      expect(errorCode(await call(SET, { input: { projectId, machines: 1 } }, 'alice'))).toBe('FORBIDDEN');
      expect(errorCode(await call(SET, { input: { projectId, machines: -1 } }, 'admin'))).toBe(
        'BAD_USER_INPUT',
      );
      const set = dataOf(
        await call<{ setQuota: { limits: { machines: number }; usage: { machines: number } } }>(
          SET,
          { input: { projectId, machines: 4 } },
          'admin',
        ),
      );
      expect(set.setQuota).toMatchObject({ limits: { machines: 4 }, usage: { machines: 4 } });
      const refused = await call(CREATE_MACHINE, { input: machineInput('over') }, 'alice');
      expect(errorCode(refused)).toBe('QUOTA_EXCEEDED');
      expect(refused.errors?.[0]?.message).toBe(
        'Project Apollo would use 5 machines, over its quota of 4 (4 in use).',
      );
      const quota = dataOf(
        await call<{ project: { quota: { usage: { machines: number } } } }>(
          'query P($id: ID!) { project(id: $id) { quota { usage { machines } } } }',
          { id: projectId },
          'bob',
        ),
      );
      expect(quota.project.quota.usage.machines).toBe(4);
      dataOf(await call(SET, { input: { projectId, machines: null } }, 'admin'));
    });

    it('creates several machines in one request, all of them or none', async () => {
      const CREATE_MANY = `mutation C($input: CreateMachinesInput!) { createMachines(input: $input) { created { machine { ${MACHINE_FIELDS} } job { id state summary machineName } } } }`;
      type Created = { createMachines: { created: { machine: Machine; job: { machineName: string } }[] } };
      const created = dataOf(
        await call<Created>(CREATE_MANY, { input: { ...machineInput('batch'), count: 3 } }, 'alice'),
      ).createMachines.created;
      expect(created.map((c) => [c.machine.name, c.machine.state, c.job.machineName])).toEqual([
        ['batch-1', 'CREATING', 'batch-1'],
        ['batch-2', 'CREATING', 'batch-2'],
        ['batch-3', 'CREATING', 'batch-3'],
      ]);
      for (const { machine: m } of created) expect((await poll(m.id, 'STARTED')).host).not.toBeNull();

      const names = async () =>
        dataOf(
          await call<{ machines: { edges: { node: { name: string } }[] } }>(
            '{ machines(first: 100, filter: { name: "batch" }) { edges { node { name } } } }',
            {},
            'alice',
          ),
        ).machines.edges.map((e) => e.node.name);
      const taken = await call(CREATE_MANY, { input: { ...machineInput('batch'), count: 4 } }, 'alice');
      expect(errorCode(taken)).toBe('CONFLICT');
      expect(taken.errors?.[0]?.message).toContain('batch-1');
      const tooMany = await call(CREATE_MANY, { input: { ...machineInput('more'), count: 51 } }, 'alice');
      expect(errorCode(tooMany)).toBe('BAD_USER_INPUT');
      expect(tooMany.errors?.[0]?.message).toBe('Ask for at most 50 machines at a time.');
      expect(errorCode(await call(CREATE_MANY, { input: { ...machineInput('v'), count: 2 } }, 'bob'))).toBe(
        'FORBIDDEN',
      );
      expect((await names()).sort()).toEqual(['batch-1', 'batch-2', 'batch-3']);

      for (const { machine: m } of created) dataOf(await call(ACT, { id: m.id, action: 'DELETE' }, 'alice'));
      for (const { machine: m } of created) await poll(m.id, 'DELETED');
    });

    it('labels a machine, and finds machines by their labels', async () => {
      const SET_LABELS =
        'mutation S($id: ID!, $labels: JSONObject!) { setMachineLabels(input: { machineId: $id, labels: $labels }) { name labels } }';
      const BY_LABELS =
        'query I($labels: JSONObject) { machines(filter: { labels: $labels }) { edges { node { name labels } } } }';
      const [db1] = dataOf(
        await call<{ machines: { edges: { node: { id: string } }[] } }>(
          '{ machines(filter: { name: "db-1" }) { edges { node { id } } } }',
          {},
          'alice',
        ),
      ).machines.edges.map((e) => e.node);
      expect(
        dataOf(await call(SET_LABELS, { id: db1!.id, labels: { env: 'prod', team: 'data' } }, 'alice')),
      ).toEqual({ setMachineLabels: { name: 'db-1', labels: { env: 'prod', team: 'data' } } });
      const found = dataOf(
        await call<{ machines: { edges: { node: { name: string } }[] } }>(
          BY_LABELS,
          { labels: { env: 'prod' } },
          'bob',
        ),
      ).machines.edges.map((e) => e.node);
      expect(found).toEqual([{ name: 'db-1', labels: { env: 'prod', team: 'data' } }]);

      expect(errorCode(await call(SET_LABELS, { id: db1!.id, labels: { env: 'dev' } }, 'bob'))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await call(SET_LABELS, { id: db1!.id, labels: { env: 'dev' } }, 'carol'))).toBe(
        'NOT_FOUND',
      );
      const bad = await call(SET_LABELS, { id: db1!.id, labels: { env: 'x'.repeat(64) } }, 'alice');
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]).toMatchObject({
        message: 'A label value has at most 63 characters.',
        extensions: { field: 'labels.env' },
      });
      expect(
        dataOf(
          await call<{ machines: { edges: unknown[] } }>(BY_LABELS, { labels: { env: 'prod' } }, 'carol'),
        ),
      ).toEqual({ machines: { edges: [] } });
    });

    it('shares an account with another project of the same user, and stops sharing it when unused', async () => {
      const SHARE =
        'mutation S($a: ID!, $p: ID!) { associateProviderAccount(input: { accountId: $a, projectId: $p }) { id sharedWith } }';
      const UNSHARE =
        'mutation U($a: ID!, $p: ID!) { dissociateProviderAccount(input: { accountId: $a, projectId: $p }) { id sharedWith } }';
      const second = dataOf(
        await call<{ createProject: { project: { id: string } } }>(
          'mutation { createProject(input: { name: "Apollo two" }) { project { id } } }',
          {},
          'alice',
        ),
      ).createProject.project.id;
      const carols = dataOf(
        await call<{ createProject: { project: { id: string } } }>(
          'mutation { createProject(input: { name: "Carol corp" }) { project { id } } }',
          {},
          'carol',
        ),
      ).createProject.project.id;
      expect(errorCode(await call(SHARE, { a: accountId, p: carols }, 'alice'))).toBe('NOT_FOUND');
      expect(errorCode(await call(SHARE, { a: accountId, p: carols }, 'carol'))).toBe('NOT_FOUND');
      const shared = dataOf(
        await call<{ associateProviderAccount: { sharedWith: string[] } }>(
          SHARE,
          { a: accountId, p: second },
          'alice',
        ),
      );
      expect(shared.associateProviderAccount.sharedWith.sort()).toEqual([projectId, second].sort());
      expect(errorCode(await call(SHARE, { a: accountId, p: second }, 'alice'))).toBe('CONFLICT');
      const inSecond = dataOf(
        await call<{ createMachine: { machine: Machine } }>(
          CREATE_MACHINE,
          { input: { ...machineInput('second-1'), projectId: second } },
          'alice',
        ),
      ).createMachine.machine;
      const refused = await call(UNSHARE, { a: accountId, p: second }, 'alice');
      expect(errorCode(refused)).toBe('CONFLICT');
      expect(refused.errors?.[0]?.message).toMatch(/still has 1 machine/);
      expect(errorCode(await call(UNSHARE, { a: accountId, p: projectId }, 'alice'))).toBe('CONFLICT');
      await poll(inSecond.id, 'STARTED');
      dataOf(await call(ACT, { id: inSecond.id, action: 'DELETE' }, 'alice'));
      await poll(inSecond.id, 'DELETED');
      const unshared = dataOf(
        await call<{ dissociateProviderAccount: { sharedWith: string[] } }>(
          UNSHARE,
          { a: accountId, p: second },
          'alice',
        ),
      );
      expect(unshared.dissociateProviderAccount.sharedWith).toEqual([projectId]);
    });

    it('renames an account and takes new credentials only once the provider accepts them', async () => {
      const UPDATE =
        'mutation U($input: UpdateProviderAccountInput!) { updateProviderAccount(input: $input) { id name remoteName } }';
      const renamed = dataOf(
        await call<{ updateProviderAccount: { id: string; name: string } }>(
          UPDATE,
          { input: { accountId, name: 'paris-site' } },
          'alice',
        ),
      );
      expect(renamed.updateProviderAccount).toMatchObject({ id: accountId, name: 'paris-site' });
      const wrong = await call(UPDATE, { input: { accountId, credentials: { token: 'guessed' } } }, 'alice');
      expect(errorCode(wrong)).toBe('BAD_USER_INPUT');
      expect(wrong.errors?.[0]?.extensions?.field).toBe('credentials');
      dataOf(await call(UPDATE, { input: { accountId, credentials: { token: SITE_TOKEN } } }, 'alice'));
      expect(errorCode(await call(UPDATE, { input: { accountId, name: 'mine' } }, 'bob'))).toBe('FORBIDDEN');
      expect(errorCode(await call(UPDATE, { input: { accountId, name: 'mine' } }, 'carol'))).toBe(
        'NOT_FOUND',
      );
      const names = dataOf(
        await call<{ providerAccounts: { name: string }[] }>(
          'query A($p: ID!) { providerAccounts(projectId: $p) { name } }',
          { p: projectId },
          'bob',
        ),
      ).providerAccounts.map((a) => a.name);
      expect(names).toContain('paris-site');
    });

    it('deletes machines, releasing their hosts, and refuses to delete an account that still has some', async () => {
      const busy = await call(
        'mutation D($a: ID!) { deleteProviderAccount(input: { accountId: $a }) }',
        { a: accountId },
        'alice',
      );
      expect(errorCode(busy)).toBe('CONFLICT');
      expect(busy.errors?.[0]?.message).toMatch(/still has 5 machines; delete them before the account\./);
      const all = dataOf(
        await call<{ machines: { edges: { node: { id: string; state: string } }[] } }>(
          '{ machines(first: 100) { edges { node { id state } } } }',
          {},
          'alice',
        ),
      );
      for (const { node } of all.machines.edges)
        dataOf(await call(ACT, { id: node.id, action: 'DELETE' }, 'alice'));
      for (const { node } of all.machines.edges) await poll(node.id, 'DELETED');
      const hosts = dataOf(
        await call<{ hosts: { allocatedVcpus: number }[] }>('{ hosts { allocatedVcpus } }', {}, 'admin'),
      );
      expect(hosts.hosts.every((h) => h.allocatedVcpus === 0)).toBe(true);
      dataOf(
        await call(
          'mutation D($a: ID!) { deleteProviderAccount(input: { accountId: $a }) }',
          { a: accountId },
          'alice',
        ),
      );
      // The account is gone; its machines stay in the inventory's history, with their events.
      const history = dataOf(
        await call<{
          machines: { edges: { node: { id: string; state: string; accountId: string | null } }[] };
        }>(
          '{ machines(first: 100, filter: { includeDeleted: true }) { edges { node { id state accountId } } } }',
          {},
          'alice',
        ),
      ).machines.edges.map((e) => e.node);
      const kept = all.machines.edges.map((e) => history.find((m) => m.id === e.node.id));
      expect(kept.map((m) => m && [m.state, m.accountId])).toEqual(kept.map(() => ['DELETED', null]));
      const events = dataOf(
        await call<{ events: { edges: { node: { type: string } }[] } }>(
          'query E($s: ID!) { events(first: 50, subjectId: $s) { edges { node { type } } } }',
          { s: kept[0]!.id },
          'alice',
        ),
      ).events.edges.map((e) => e.node.type);
      expect(events).toContain('machine.created');
    });

    it('deletes a provider once no project has an account on it; deleted machines still name it', async () => {
      const DELETE_PROVIDER =
        'mutation D($p: ID!) { deleteProvider(input: { providerId: $p }) { deletedProviderId } }';
      expect(errorCode(await call(DELETE_PROVIDER, { p: providerId }, 'alice'))).toBe('FORBIDDEN');
      expect(errorCode(await call(DELETE_PROVIDER, { p: 'nonsense' }, 'admin'))).toBe('BAD_USER_INPUT');
      const account = dataOf(
        await call<{ addProviderAccount: { id: string } }>(
          'mutation A($input: AddProviderAccountInput!) { addProviderAccount(input: $input) { id } }',
          { input: { projectId, providerId, name: 'last', credentials: { token: SITE_TOKEN } } },
          'alice',
        ),
      ).addProviderAccount.id;
      const busy = await call(DELETE_PROVIDER, { p: providerId }, 'admin');
      expect(errorCode(busy)).toBe('CONFLICT');
      expect(busy.errors?.[0]?.message).toBe(
        'Provider Own site still has 1 account; the projects that brought it must delete it first.',
      );
      dataOf(
        await call(
          'mutation D($a: ID!) { deleteProviderAccount(input: { accountId: $a }) }',
          { a: account },
          'alice',
        ),
      );

      expect(dataOf(await call(DELETE_PROVIDER, { p: providerId }, 'admin'))).toEqual({
        deleteProvider: { deletedProviderId: providerId },
      });
      const left = dataOf(await call<{ providers: { id: string }[] }>('{ providers { id } }', {}, 'admin'));
      expect(left.providers.map((p) => p.id)).not.toContain(providerId);
      expect(errorCode(await call(DELETE_PROVIDER, { p: providerId }, 'admin'))).toBe('NOT_FOUND');
      const history = dataOf(
        await call<{ machines: { edges: { node: { provider: { id: string; name: string } } }[] } }>(
          '{ machines(first: 100, filter: { includeDeleted: true }) { edges { node { provider { id name } } } } }',
          {},
          'alice',
        ),
      ).machines.edges.map((e) => e.node.provider);
      expect(history.length).toBeGreaterThan(0);
      expect(history).toContainEqual({ id: providerId, name: 'Own site' });
    });
  },
);
