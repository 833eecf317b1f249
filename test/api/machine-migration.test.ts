import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, errorCode, eventually, gql, subscribe, wsClient } from '../support/graphql-client.ts';
import { ADMIN_PASSWORD, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';

const SITE_TOKEN = 'migration-site-token';
const LOGIN =
  'mutation L($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token } }';
const MACHINE_FIELDS = 'id name state error host { id name }';
const MIGRATE = `mutation M($machineId: ID!, $hostId: ID!) { migrateMachine(input: { machineId: $machineId, hostId: $hostId }) { machine { ${MACHINE_FIELDS} } job { id kind state } } }`;
const JOB = 'query J($id: ID!) { job(id: $id) { state error progress } }';
const HOSTS = '{ hosts { id name allocatedVcpus allocatedMemoryMiB allocatedDiskGiB machines { name } } }';

interface Machine {
  id: string;
  name: string;
  state: string;
  error: string | null;
  host: { id: string; name: string } | null;
}
interface Host {
  id: string;
  name: string;
  allocatedVcpus: number;
  allocatedMemoryMiB: number;
  allocatedDiskGiB: number;
  machines: { name: string }[];
}

/** Hosts of the simulated site: two roomy ones, and one for each refusal. */
const HOST_SPECS: [string, Record<string, unknown>][] = [
  ['paris-1', {}],
  ['paris-2', {}],
  ['paris-small', { memoryMiB: 512 }],
  ['paris-maintenance', {}],
  // Up for Levante, down for the simulator: the provider refuses the migration.
  ['paris-down', {}],
  ['lyon-1', { location: 'lyon' }],
];

describe.each(TEST_DATABASE_KINDS)('live migration of a machine through the API on %s', (kind) => {
  let levante: LevanteUnderTest;
  const tokens: Record<string, string> = {};
  const hostIds: Record<string, string> = {};
  let providerName: string;
  let machineId: string;

  const call = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, as: string) =>
    gql<T>(levante.url, query, variables, { token: tokens[as] });
  const migrate = (hostName: string, as = 'admin') =>
    call<{ migrateMachine: { machine: Machine; job: { id: string; kind: string; state: string } } }>(
      MIGRATE,
      { machineId, hostId: hostIds[hostName] },
      as,
    );
  const machine = async (): Promise<Machine> =>
    dataOf(
      await call<{ machine: Machine }>(
        `query M($id: ID!) { machine(id: $id) { ${MACHINE_FIELDS} } }`,
        { id: machineId },
        'admin',
      ),
    ).machine;
  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const finishedJob = (id: string) =>
    until(
      async () =>
        dataOf(await call<{ job: { state: string; error: string | null } }>(JOB, { id }, 'admin')).job,
      (job) => job.state !== 'queued' && job.state !== 'running',
      `job ${id}`,
    );
  const hosts = async (): Promise<Record<string, Host>> =>
    Object.fromEntries(
      dataOf(await call<{ hosts: Host[] }>(HOSTS, {}, 'admin')).hosts.map((h) => [h.name, h]),
    );
  const allocations = async () =>
    Object.fromEntries(
      Object.values(await hosts()).map((h) => [
        h.name,
        [h.allocatedVcpus, h.allocatedMemoryMiB, h.allocatedDiskGiB],
      ]),
    );

  beforeAll(async () => {
    levante = await levanteUnderTest(kind);
    tokens.admin = dataOf(
      await gql<{ login: { token: string } }>(levante.url, LOGIN, { u: 'admin', p: ADMIN_PASSWORD }),
    ).login.token;
    dataOf(
      await call(
        'mutation { createUser(input: { username: "alice", password: "a long enough password", mustChangePassword: false }) { user { id } } }',
        {},
        'admin',
      ),
    );
    tokens.alice = dataOf(
      await gql<{ login: { token: string } }>(levante.url, LOGIN, {
        u: 'alice',
        p: 'a long enough password',
      }),
    ).login.token;
    const projectId = dataOf(
      await call<{ createProject: { project: { id: string } } }>(
        'mutation { createProject(input: { name: "Movers" }) { project { id } } }',
        {},
        'alice',
      ),
    ).createProject.project.id;
    const settings = {
      token: SITE_TOKEN,
      bootDelayMs: 20,
      // Wide enough that a request sent while the machine stops finds it STOPPING, even on a busy machine.
      stopDelayMs: 800,
      actionDelayMs: 20,
      migrateDelayMs: 400,
      faults: { downHosts: ['paris-down'] },
    };
    const provider = dataOf(
      await call<{ registerProvider: { id: string; name: string; capabilities: { migrate: boolean } } }>(
        'mutation R($input: RegisterProviderInput!) { registerProvider(input: $input) { id name capabilities { migrate } } }',
        { input: { kind: 'local', name: 'Movable site', settings } },
        'admin',
      ),
    ).registerProvider;
    providerName = provider.name;
    expect(provider.capabilities.migrate).toBe(true);
    for (const [name, extra] of HOST_SPECS) {
      hostIds[name] = dataOf(
        await call<{ registerHost: { id: string } }>(
          'mutation H($input: RegisterHostInput!) { registerHost(input: $input) { id } }',
          {
            input: {
              providerId: provider.id,
              location: 'paris',
              name,
              hypervisor: 'KVM',
              vcpus: 8,
              memoryMiB: 32_768,
              diskGiB: 500,
              ...extra,
            },
          },
          'admin',
        ),
      ).registerHost.id;
    }
    dataOf(
      await call(
        'mutation M($id: ID!) { setHostMaintenance(input: { hostId: $id, maintenance: true }) { maintenance } }',
        { id: hostIds['paris-maintenance'] },
        'admin',
      ),
    );
    const account = dataOf(
      await call<{
        addProviderAccount: { id: string; provider: { locations: { id: string; ref: string }[] } };
      }>(
        'mutation A($input: AddProviderAccountInput!) { addProviderAccount(input: $input) { id provider { locations { id ref } } } }',
        { input: { projectId, providerId: provider.id, name: 'site', credentials: { token: SITE_TOKEN } } },
        'alice',
      ),
    ).addProviderAccount;
    const paris = account.provider.locations.find((l) => l.ref === 'paris')!.id;
    const catalog = dataOf(
      await call<{ images: { id: string; ref: string }[]; configurations: { id: string; ref: string }[] }>(
        'query C($a: ID!, $l: ID!) { images(accountId: $a, locationId: $l) { id ref } configurations(accountId: $a, locationId: $l) { id ref } }',
        { a: account.id, l: paris },
        'alice',
      ),
    );
    // An admin chooses the host, so that nothing lands on the faulty ones.
    machineId = dataOf(
      await call<{ createMachine: { machine: { id: string } } }>(
        'mutation C($input: CreateMachineInput!) { createMachine(input: $input) { machine { id } } }',
        {
          input: {
            projectId,
            accountId: account.id,
            locationId: paris,
            imageId: catalog.images.find((i) => i.ref === 'debian-12')!.id,
            configurationId: catalog.configurations.find((c) => c.ref === 'small')!.id,
            name: 'mover',
            hostId: hostIds['paris-1'],
          },
        },
        'admin',
      ),
    ).createMachine.machine.id;
    await until(machine, (m) => m.state === 'STARTED', 'mover STARTED');
  }, 60_000);
  afterAll(() => levante?.destroy());

  it('declares migrate per driver: the simulator can, libvirt cannot', async () => {
    const libvirt = dataOf(
      await call<{ registerProvider: { capabilities: { migrate: boolean; hosts: boolean } } }>(
        'mutation R($input: RegisterProviderInput!) { registerProvider(input: $input) { capabilities { migrate hosts } } }',
        { input: { kind: 'local', name: 'Libvirt site', settings: { driver: 'libvirt' } } },
        'admin',
      ),
    );
    expect(libvirt.registerProvider.capabilities).toEqual({ migrate: false, hosts: true });
    const kinds = dataOf(
      await call<{ providerKinds: { kind: string; capabilities: { migrate: boolean } }[] }>(
        '{ providerKinds { kind capabilities { migrate } } }',
        {},
        'alice',
      ),
    );
    expect(Object.fromEntries(kinds.providerKinds.map((k) => [k.kind, k.capabilities.migrate]))).toEqual({
      ec2: false,
      local: true,
    });
  });

  it('moves a STARTED machine to the host an admin chose: capacity follows, and the map hears `moved`', async () => {
    const before = await allocations();
    expect(before['paris-1']).toEqual([1, 1024, 10]);
    expect(before['paris-2']).toEqual([0, 0, 0]);
    const client = wsClient(levante.url, { token: tokens.alice });
    const changes = subscribe<{
      placementChanged: { kind: string; machineName: string; hostId: string; previousHostId: string | null };
    }>(client, 'subscription { placementChanged { kind machineName state hostId previousHostId } }');
    await new Promise((r) => setTimeout(r, 200));

    const asked = dataOf(await migrate('paris-2')).migrateMachine;
    expect(asked.machine).toMatchObject({ state: 'STARTED', host: { name: 'paris-1' } });
    expect(asked.job).toMatchObject({ kind: 'machine.migrate', state: 'queued' });
    // The target's capacity is reserved at once; the machine holds both hosts until it has moved.
    expect((await allocations())['paris-2']).toEqual([1, 1024, 10]);
    const again = await migrate('paris-2');
    expect(errorCode(again)).toBe('INVALID_STATE');
    expect(again.errors?.[0]?.message).toBe(
      'Machine "mover" is already moving to paris-2; wait until that migration has finished.',
    );

    expect(await finishedJob(asked.job.id)).toMatchObject({ state: 'succeeded', error: null, progress: 100 });
    expect(await machine()).toMatchObject({ state: 'STARTED', host: { name: 'paris-2' } });
    const after = await hosts();
    expect([after['paris-1']?.allocatedVcpus, after['paris-1']?.machines]).toEqual([0, []]);
    expect([after['paris-2']?.allocatedVcpus, after['paris-2']?.machines]).toEqual([1, [{ name: 'mover' }]]);
    await eventually(
      () => changes.received.some((c) => c.placementChanged.kind === 'moved'),
      'a `moved` placement change',
    );
    expect(changes.received.find((c) => c.placementChanged.kind === 'moved')?.placementChanged).toEqual({
      kind: 'moved',
      machineName: 'mover',
      state: 'STARTED',
      hostId: hostIds['paris-2'],
      previousHostId: hostIds['paris-1'],
    });
    await client.dispose();
  });

  it('refuses what cannot be, before anything reaches the provider, and reserves nothing', async () => {
    const before = await allocations();
    const refusals: [string, string, string, RegExp][] = [
      ['alice', 'paris-1', 'FORBIDDEN', /^Only platform admins can do this\.$/],
      ['admin', 'paris-2', 'BAD_USER_INPUT', /^Machine mover already runs on host paris-2\.$/],
      [
        'admin',
        'lyon-1',
        'BAD_USER_INPUT',
        /^Host lyon-1 is in Lyon; machine mover can only move within Paris\.$/,
      ],
      [
        'admin',
        'paris-maintenance',
        'PROVIDER_ERROR',
        /^Host paris-maintenance cannot take machine mover: in maintenance \(EnabledFilter\)\.$/,
      ],
      [
        'admin',
        'paris-small',
        'PROVIDER_ERROR',
        /^Host paris-small cannot take machine mover: only 512 MiB of memory free, 1 GiB asked \(RamFilter\)\.$/,
      ],
    ];
    for (const [as, host, code, message] of refusals) {
      const refused = await migrate(host, as);
      expect(errorCode(refused), `${host} as ${as}`).toBe(code);
      expect(refused.errors?.[0]?.message).toMatch(message);
    }
    const small = await migrate('paris-small');
    expect(small.errors?.[0]?.extensions).toMatchObject({
      details: { providerError: 'CapacityError', placement: { passed: 0 } },
    });
    expect((await migrate('lyon-1')).errors?.[0]?.extensions?.field).toBe('hostId');
    expect(await allocations()).toEqual(before);
    expect(await machine()).toMatchObject({ state: 'STARTED', host: { name: 'paris-2' } });
  });

  it('refuses a machine that is not STARTED, saying why', async () => {
    const ACT =
      'mutation A($id: ID!, $action: MachineAction!) { machineAction(input: { machineId: $id, action: $action }) { job { id } } }';
    dataOf(await call(ACT, { id: machineId, action: 'STOP' }, 'alice'));
    const stopping = await migrate('paris-1');
    expect(errorCode(stopping)).toBe('INVALID_STATE');
    expect(stopping.errors?.[0]?.message).toBe(
      'Machine "mover" is STOPPING; wait until it has finished: only a STARTED machine can migrate.',
    );
    await until(machine, (m) => m.state === 'STOPPED', 'mover STOPPED');
    const stopped = await migrate('paris-1');
    expect(errorCode(stopped)).toBe('INVALID_STATE');
    expect(stopped.errors?.[0]?.message).toBe(
      'Machine "mover" is STOPPED; only a STARTED machine can migrate (it moves while it runs).',
    );
    dataOf(await call(ACT, { id: machineId, action: 'START' }, 'alice'));
    await until(machine, (m) => m.state === 'STARTED', 'mover STARTED again');
  });

  it('leaves the machine where it runs, with capacity restored, when the provider refuses the target', async () => {
    const before = await allocations();
    const asked = dataOf(await migrate('paris-down')).migrateMachine;
    const job = await finishedJob(asked.job.id);
    expect(job.state).toBe('failed');
    expect(job.error).toBe(`${providerName}: Host "paris-down" is down; choose another host.`);
    expect(await machine()).toMatchObject({ state: 'STARTED', error: null, host: { name: 'paris-2' } });
    expect(await allocations()).toEqual(before);
    const history = dataOf(
      await call<{ events: { edges: { node: { type: string; summary: string } }[] } }>(
        'query E($types: [String!]) { events(types: $types, first: 1) { edges { node { type summary } } } }',
        { types: ['machine.migration_failed'] },
        'alice',
      ),
    );
    expect(history.events.edges[0]?.node.summary).toBe(
      `Machine mover did not move to host paris-down: ${providerName}: Host "paris-down" is down; choose another host.`,
    );
  });

  it('evacuates a host in maintenance: its running machine moves to the host the scheduler chooses', async () => {
    const EVACUATE =
      'mutation E($id: ID!) { evacuateHost(input: { hostId: $id }) { host { name maintenance } moving { machine { name state } job { id kind } } left { machine { name } reason } } }';
    const MAINTENANCE =
      'mutation M($id: ID!) { setHostMaintenance(input: { hostId: $id, maintenance: true }) { maintenance } }';
    const inService = await call(EVACUATE, { id: hostIds['paris-2'] }, 'admin');
    expect(errorCode(inService)).toBe('INVALID_STATE');
    expect(inService.errors?.[0]?.message).toMatch(
      /^Host paris-2 is in service: put it in maintenance first/,
    );
    // paris-down too: the simulator would refuse it; paris-1 is then the only host that can take the machine.
    for (const name of ['paris-2', 'paris-down'])
      dataOf(await call(MAINTENANCE, { id: hostIds[name] }, 'admin'));
    expect(errorCode(await call(EVACUATE, { id: hostIds['paris-2'] }, 'alice'))).toBe('FORBIDDEN');

    const evacuation = dataOf(
      await call<{
        evacuateHost: { moving: { machine: Machine; job: { id: string; kind: string } }[] };
      }>(EVACUATE, { id: hostIds['paris-2'] }, 'admin'),
    ).evacuateHost;
    expect(evacuation).toMatchObject({
      host: { name: 'paris-2', maintenance: true },
      moving: [{ machine: { name: 'mover', state: 'STARTED' }, job: { kind: 'machine.migrate' } }],
      left: [],
    });
    expect((await finishedJob(evacuation.moving[0]!.job.id)).state).toBe('succeeded');
    expect(await machine()).toMatchObject({ state: 'STARTED', host: { name: 'paris-1' } });
    expect((await hosts())['paris-2']?.machines).toEqual([]);
  });
});
