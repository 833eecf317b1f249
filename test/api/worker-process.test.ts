import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedSiteOffer } from '../support/embedded-site-offer.ts';
import { dataOf, eventually, gql, subscribe, wsClient } from '../support/graphql-client.ts';
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
