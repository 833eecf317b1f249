import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedSiteOffer } from '../support/embedded-site-offer.ts';
import {
  dataOf,
  eventually,
  type GraphqlResponse,
  gql,
  subscribe,
  wsClient,
} from '../support/graphql-client.ts';
import { LEVANTE_BIN } from '../support/levante-command.ts';
import { adminToken, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';
import { startWorkerProcess, workerEnvironment } from '../support/worker-process.ts';

describe('an API server and a separate `levante worker`, on PostgreSQL and Redis', () => {
  let levante: LevanteUnderTest;
  let token: string;
  const call = <T>(query: string, variables: Record<string, unknown> = {}) =>
    gql<T>(levante.url, query, variables, { token });

  beforeAll(async () => {
    levante = await levanteUnderTest('postgres', {
      seedSite: true,
      env: { LEVANTE_WORKER: 'false' },
    });
    token = await adminToken(levante);
  }, 60_000);
  afterAll(() => levante?.destroy());

  it("leaves jobs to the worker process, whose events reach the server's subscribers", async () => {
    const offer = await embeddedSiteOffer(call, 'paris');
    const ws = wsClient(levante.url, { token });
    const changes = subscribe<{ machineChanged: { id: string; state: string } }>(
      ws,
      'subscription S($p: ID) { machineChanged(projectId: $p) { id state } }',
      { p: offer.projectId },
    );
    try {
      const created = dataOf(
        await call<{ createMachine: { machine: { id: string; state: string } } }>(
          'mutation C($input: CreateMachineInput!) { createMachine(input: $input) { machine { id state } } }',
          { input: { ...offer, name: 'split' } },
        ),
      ).createMachine.machine;
      expect(created.state).toBe('CREATING');
      // The server runs no jobs: the machine waits for a worker (the simulator would start it in ms).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const waiting = dataOf(
        await call<{ machine: { state: string } }>('query M($id: ID!) { machine(id: $id) { state } }', {
          id: created.id,
        }),
      );
      expect(waiting.machine.state).toBe('CREATING');

      const worker = await startWorkerProcess(levante);
      try {
        await eventually(
          () =>
            changes.received.some(
              (c) => c.machineChanged.id === created.id && c.machineChanged.state === 'STARTED',
            ),
          `STARTED through the subscription; worker said:\n${worker.output()}`,
          30_000,
        );
        expect(changes.errors).toEqual([]);
      } finally {
        expect(await worker.stop()).toBe(0);
      }
    } finally {
      changes.unsubscribe();
      await ws.dispose();
    }
  }, 60_000);

  it("cancels a create that waits for a worker: the worker drops the machine, and the job's subscribers see it end", async () => {
    const offer = await embeddedSiteOffer(call, 'paris');
    const created = dataOf(
      await call<{ createMachine: { machine: { id: string }; job: { id: string } } }>(
        'mutation C($input: CreateMachineInput!) { createMachine(input: $input) { machine { id } job { id } } }',
        { input: { ...offer, name: 'unwanted' } },
      ),
    ).createMachine;
    const asked = dataOf(
      await call<{ cancelJob: Record<string, unknown> }>(
        'mutation X($id: ID!) { cancelJob(id: $id) { id state cancelRequested nextAttemptAt } }',
        { id: created.job.id },
      ),
    ).cancelJob;
    expect(asked).toEqual({
      id: created.job.id,
      state: 'queued',
      cancelRequested: true,
      nextAttemptAt: null,
    });

    const ws = wsClient(levante.url, { token });
    const updates = subscribe<{ jobUpdated: { state: string; error: string | null } }>(
      ws,
      'subscription J($id: ID!) { jobUpdated(id: $id) { state error } }',
      { id: created.job.id },
    );
    const worker = await startWorkerProcess(levante);
    try {
      await eventually(
        () => updates.received.some((u) => u.jobUpdated.state === 'cancelled'),
        `the job cancelled through the subscription; worker said:\n${worker.output()}`,
        30_000,
      );
      expect(updates.received.at(-1)?.jobUpdated).toEqual({
        state: 'cancelled',
        error: 'Cancelled by admin.',
      });
      const { machine } = dataOf(
        await call<{ machine: { state: string; error: string } }>(
          'query M($id: ID!) { machine(id: $id) { state error } }',
          { id: created.machine.id },
        ),
      );
      // No attempt was made: the machine was never created, and is gone.
      expect(machine).toEqual({ state: 'DELETED', error: null });
    } finally {
      updates.unsubscribe();
      await ws.dispose();
      expect(await worker.stop()).toBe(0);
    }
  }, 60_000);

  it('places at once on the capacity that the worker process gave back', async () => {
    const offer = await tightSite(call);
    const ws = wsClient(levante.url, { token });
    const changes = subscribe<{ machineChanged: { id: string; state: string } }>(
      ws,
      'subscription S($p: ID) { machineChanged(projectId: $p) { id state } }',
      { p: offer.projectId },
    );
    const reached = (id: string, state: string) =>
      changes.received.some((c) => c.machineChanged.id === id && c.machineChanged.state === state);
    const create = async (name: string) =>
      dataOf(
        await call<{ createMachine: { machine: { id: string; host: { name: string } } } }>(
          'mutation C($input: CreateMachineInput!) { createMachine(input: $input) { machine { id host { name } } } }',
          { input: { ...offer, name } },
        ),
      ).createMachine.machine;
    const worker = await startWorkerProcess(levante);
    try {
      // Spreading puts the first two machines on either host and the third beside one of them.
      const placed = [await create('a'), await create('b'), await create('c')];
      const crowded = placed[2]!.host.name;
      const leaving = placed.filter((m) => m.host.name === crowded);
      expect(leaving).toHaveLength(2);
      for (const machine of placed) {
        await eventually(() => reached(machine.id, 'STARTED'), `${machine.id} STARTED`, 30_000);
      }
      for (const machine of leaving) {
        dataOf(
          await call(
            'mutation D($id: ID!) { machineAction(input: { machineId: $id, action: DELETE }) { job { id } } }',
            {
              id: machine.id,
            },
          ),
        );
      }
      // The worker gives the host's capacity back, then tells every process, then the events go out.
      for (const machine of leaving) {
        await eventually(() => reached(machine.id, 'DELETED'), `${machine.id} DELETED`, 30_000);
      }
      // The emptied host has more room than the other: a server that had not heard would count
      // it full until it read its hosts again, and place beside the remaining machine.
      expect((await create('d')).host.name).toBe(crowded);
      expect(changes.errors).toEqual([]);
    } finally {
      changes.unsubscribe();
      await ws.dispose();
      expect(await worker.stop()).toBe(0);
    }
  }, 60_000);

  it('refuses to run without PostgreSQL or without Redis, and says why', () => {
    const workerEnv = workerEnvironment(levante);
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [LEVANTE_BIN, 'worker'], { env, encoding: 'utf8' });
    const { DATABASE_URL: _database, ...withoutDatabase } = workerEnv;
    const noDatabase = run(withoutDatabase);
    expect(noDatabase.status).toBe(1);
    expect(noDatabase.stderr).toContain('levante worker needs DATABASE_URL');
    const { REDIS_URL: _redis, ...withoutRedis } = workerEnv;
    const noRedis = run(withoutRedis);
    expect(noRedis.status).toBe(1);
    expect(noRedis.stderr).toContain('levante worker needs REDIS_URL');
    const unreachable = run({ ...workerEnv, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toContain('Redis at redis://127.0.0.1:1');
  }, 60_000);
});

type Call = <T>(query: string, variables?: Record<string, unknown>) => Promise<GraphqlResponse<T>>;

/** A local provider of two hosts with room for two small machines each, and an account on it in the admin's personal project. */
async function tightSite(call: Call) {
  const personal = await embeddedSiteOffer(call, 'paris');
  const { registerProvider } = dataOf(
    await call<{ registerProvider: { id: string } }>(
      'mutation P($input: RegisterProviderInput!) { registerProvider(input: $input) { id } }',
      {
        input: {
          kind: 'local',
          name: 'tight',
          settings: { token: 'tight', bootDelayMs: 0, stopDelayMs: 0, jitter: 0 },
        },
      },
    ),
  );
  for (const name of ['tight-1', 'tight-2']) {
    dataOf(
      await call('mutation H($input: RegisterHostInput!) { registerHost(input: $input) { id } }', {
        input: {
          providerId: registerProvider.id,
          location: 'paris',
          name,
          hypervisor: 'KVM',
          vcpus: 2,
          memoryMiB: 64 * 1024,
          diskGiB: 1000,
          cpuAllocationRatio: 1,
        },
      }),
    );
  }
  const { addProviderAccount } = dataOf(
    await call<{
      addProviderAccount: { id: string; provider: { locations: { id: string; ref: string }[] } };
    }>(
      'mutation A($input: AddProviderAccountInput!) { addProviderAccount(input: $input) { id provider { locations { id ref } } } }',
      {
        input: {
          projectId: personal.projectId,
          providerId: registerProvider.id,
          name: 'tight',
          credentials: { token: 'tight' },
        },
      },
    ),
  );
  const locationId = addProviderAccount.provider.locations.find((l) => l.ref === 'paris')!.id;
  const catalog = dataOf(
    await call<{ images: { id: string; ref: string }[]; configurations: { id: string; ref: string }[] }>(
      'query C($a: ID!, $l: ID!) { images(accountId: $a, locationId: $l) { id ref } configurations(accountId: $a, locationId: $l) { id ref } }',
      { a: addProviderAccount.id, l: locationId },
    ),
  );
  return {
    projectId: personal.projectId,
    accountId: addProviderAccount.id,
    locationId,
    imageId: catalog.images.find((i) => i.ref === 'debian-12')!.id,
    configurationId: catalog.configurations.find((c) => c.ref === 'small')!.id,
  };
}
