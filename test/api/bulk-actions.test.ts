import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedSiteOffer } from '../support/embedded-site-offer.ts';
import { dataOf, errorCode, gql } from '../support/graphql-client.ts';
import { adminToken, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';

const ACT =
  'mutation A($input: MachineActionsInput!) { machineActions(input: $input) { started { machine { id name state } job { state summary } } refused { machineId code message } } }';

interface Acted {
  machineActions: {
    started: {
      machine: { id: string; name: string; state: string };
      job: { state: string; summary: string };
    }[];
    refused: { machineId: string; code: string; message: string }[];
  };
}

describe.each(TEST_DATABASE_KINDS)('one action on several machines through the API, on %s', (kind) => {
  let levante: LevanteUnderTest;
  let token: string;
  let viewer: string;
  const ids: string[] = [];
  const call = <T>(query: string, variables: Record<string, unknown> = {}, as = token) =>
    gql<T>(levante.url, query, variables, { token: as });
  const stateOf = async (id: string) =>
    dataOf(
      await call<{ machine: { state: string } }>('query M($id: ID!) { machine(id: $id) { state } }', { id }),
    ).machine.state;
  const allReach = async (state: string, which = ids) => {
    for (const deadline = Date.now() + 15_000; ; ) {
      const states = await Promise.all(which.map(stateOf));
      if (states.every((s) => s === state)) return;
      if (Date.now() > deadline) throw new Error(`machines are ${states.join(', ')}, not all ${state}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    levante = await levanteUnderTest(kind, { seedSite: true });
    token = await adminToken(levante);
    const offer = await embeddedSiteOffer(call, 'paris');
    const created = dataOf(
      await call<{ createMachines: { created: { machine: { id: string } }[] } }>(
        'mutation C($input: CreateMachinesInput!) { createMachines(input: $input) { created { machine { id } } } }',
        { input: { ...offer, name: 'bulk', count: 3 } },
      ),
    ).createMachines.created;
    ids.push(...created.map((c) => c.machine.id));
    await allReach('STARTED');
    dataOf(
      await call(
        'mutation { createUser(input: { username: "vera", password: "a long enough password", mustChangePassword: false }) { user { id } } }',
      ),
    );
    dataOf(
      await call(
        'mutation M($p: ID!) { addMember(input: { projectId: $p, username: "vera", role: VIEWER }) { membership { role } } }',
        {
          p: offer.projectId,
        },
      ),
    );
    viewer = dataOf(
      await gql<{ login: { token: string } }>(
        levante.url,
        'mutation { login(input: { username: "vera", password: "a long enough password" }) { token } }',
        {},
      ),
    ).login.token;
  }, 60_000);
  afterAll(() => levante?.destroy());

  it('stops the machines that can stop, and names the others with the reason', async () => {
    dataOf(
      await call(
        'mutation S($id: ID!) { machineAction(input: { machineId: $id, action: STOP }) { job { id } } }',
        { id: ids[2] },
      ),
    );
    await allReach('STOPPED', [ids[2]!]);
    const acted = dataOf(
      await call<Acted>(ACT, { input: { machineIds: ids, action: 'STOP' } }),
    ).machineActions;
    expect(acted.started.map((s) => [s.machine.name, s.machine.state, s.job.summary])).toEqual([
      ['bulk-1', 'STOPPING', 'Stop the machine'],
      ['bulk-2', 'STOPPING', 'Stop the machine'],
    ]);
    expect(acted.refused).toEqual([
      {
        machineId: ids[2],
        code: 'INVALID_STATE',
        message: 'Machine "bulk-3" is STOPPED and cannot stop; from STOPPED you can start, delete.',
      },
    ]);
    await allReach('STOPPED');
  });

  it('refuses every machine to a viewer, and the whole request when it is malformed', async () => {
    const asViewer = dataOf(
      await call<Acted>(ACT, { input: { machineIds: ids, action: 'START' } }, viewer),
    ).machineActions;
    expect(asViewer.started).toEqual([]);
    expect(asViewer.refused.map((r) => r.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);

    const malformed = await call(ACT, { input: { machineIds: [ids[0], 'nonsense'], action: 'START' } });
    expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
    expect(malformed.errors?.[0]?.extensions?.field).toBe('machineIds');
    const twice = await call(ACT, { input: { machineIds: [ids[0], ids[0]], action: 'START' } });
    expect(twice.errors?.[0]?.message).toBe('A machine is named more than once.');
    // Nothing moved.
    expect(await Promise.all(ids.map(stateOf))).toEqual(['STOPPED', 'STOPPED', 'STOPPED']);

    const started = dataOf(
      await call<Acted>(ACT, { input: { machineIds: ids, action: 'START' } }),
    ).machineActions;
    expect(started.started).toHaveLength(3);
    await allReach('STARTED');
  });
});
