import { type Connector, ConnectorRegistry } from '@levante/connector-api';
import { localConnectorFactory } from '@levante/connector-local';
import { jobs, machines } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Engine } from '@levante/engine';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  drainJobs,
  type EngineUnderTest,
  engineUnderTest,
  machineOn,
  type Site,
} from '../support/engine-under-test.ts';
import { localRegistryWith, untilStopped } from '../support/local-registry-with.ts';
import { refusal } from '../support/refusal.ts';

/** The local connector as registered, with `migrate` declared false. */
const cannotMigrate = new ConnectorRegistry().register('local', async () => ({
  ...localConnectorFactory,
  capabilities: { ...localConnectorFactory.capabilities, migrate: false },
  variantCapabilities: undefined,
}));

/** Called once the provider has moved the machine for the worker that then "dies". */
let providerMoved: () => void = () => {};
/** Resolves at the next move the "dying" connector makes. */
const nextMove = () =>
  new Promise<void>((resolve) => {
    providerMoved = resolve;
  });

/** The local connector, except that the worker "dies" right after the provider moved a machine. */
const dyingAfterMigrate = localRegistryWith((real) => ({
  migrateMachine: async (...args: Parameters<NonNullable<Connector['migrateMachine']>>) => {
    await real.migrateMachine!(...args);
    providerMoved();
    // It never records what the provider did.
    return untilStopped(args[2]?.signal);
  },
}));

describe.each(TEST_DATABASE_KINDS)('live migration in the engine on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  const hostIds: Record<string, string> = {};

  /** Runs jobs until none is ready. */
  const drain = async (engine: Engine = subject.engine) => {
    await drainJobs(engine);
  };
  const create = async (name: string, host: string, placementGroupId: string | null = null) => {
    const { machine } = await subject.engine.machines.create(subject.admin, {
      ...machineOn(site, name),
      hostId: hostIds[host]!,
      placementGroupId,
    });
    await drain();
    return machine.id;
  };
  const machineRow = async (id: string) =>
    (await subject.handle.db.select().from(machines).where(eq(machines.id, id)))[0]!;
  const jobRow = async (id: string) =>
    (await subject.handle.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;
  const allocated = async () =>
    Object.fromEntries(
      (await subject.engine.hostQueries.list(subject.admin, { providerId: site.providerId })).map((v) => [
        v.host.name,
        v.host.allocatedVcpus,
      ]),
    );
  const hostName = async (machineId: string) => {
    const { hostId } = await machineRow(machineId);
    return Object.entries(hostIds).find(([, id]) => id === hostId)?.[0];
  };

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 4 });
    for (const view of await subject.engine.hostQueries.list(subject.admin, { providerId: site.providerId }))
      hostIds[view.host.name] = view.host.id;
  }, 60_000);
  afterAll(() => subject?.close());

  it('refuses a provider that cannot migrate, naming it', async () => {
    const id = await create('stays', 'paris-1');
    const provider = await subject.engine.providerQueries.byId(subject.admin, site.providerId);
    const error = await refusal(
      subject.another({ registry: cannotMigrate }).migrations.migrate(subject.admin, id, hostIds['paris-2']!),
    );
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'machineId',
      message: `${provider.name} cannot migrate machines.`,
    });
    expect(await hostName(id)).toBe('paris-1');
  });

  it('honours anti-affinity: a group member cannot join another on its host', async () => {
    const group = await subject.engine.placementGroups.create(subject.admin, site.projectId, {
      name: 'apart',
      policy: 'anti-affinity',
    });
    const a = await create('apart-a', 'paris-1', group.id);
    await create('apart-b', 'paris-2', group.id);
    const before = await allocated();
    const error = await refusal(subject.engine.migrations.migrate(subject.admin, a, hostIds['paris-2']!));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toMatch(
      /^Host paris-2 cannot take machine apart-a: already holds a machine of anti-affinity group .* \(AntiAffinityFilter\)\.$/,
    );
    expect(await allocated()).toEqual(before);

    const { job } = await subject.engine.migrations.migrate(subject.admin, a, hostIds['paris-3']!);
    await drain();
    expect(await jobRow(job.id)).toMatchObject({ state: 'succeeded' });
    expect(await hostName(a)).toBe('paris-3');
    const after = await allocated();
    expect([after['paris-1']! - before['paris-1']!, after['paris-3']! - before['paris-3']!]).toEqual([-1, 1]);
  });

  it('gives back both hosts when the machine is deleted before its migration starts', async () => {
    const id = await create('doomed', 'paris-4');
    const before = await allocated();
    const { job } = await subject.engine.migrations.migrate(subject.admin, id, hostIds['paris-1']!);
    expect((await allocated())['paris-1']).toBe(before['paris-1']! + 1);
    await subject.engine.machines.act(subject.admin, id, 'delete');
    await drain();
    expect(await jobRow(job.id)).toMatchObject({
      state: 'cancelled',
      error: 'The migration did not start: doomed is DELETING, not STARTED.',
    });
    expect((await machineRow(id)).state).toBe('DELETED');
    const after = await allocated();
    expect([after['paris-1'], after['paris-4']]).toEqual([before['paris-1'], before['paris-4']! - 1]);
  });

  it('records a move once when the worker died after the provider had moved the machine', async () => {
    const id = await create('survivor', 'paris-1');
    const before = await allocated();
    const doomed = subject.another({ registry: dyingAfterMigrate });
    const { job } = await doomed.migrations.migrate(subject.admin, id, hostIds['paris-4']!);
    const moved = nextMove();
    const stuck = doomed.worker.runOnce();
    // The provider has moved it; the worker never records it (its lease renewed at 50 % while it waits).
    await moved;
    for (let i = 0; i < 500 && (await jobRow(job.id)).progress !== 50; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await jobRow(job.id)).toMatchObject({ state: 'running', progress: 50 });
    expect(await hostName(id)).toBe('paris-1');

    // The worker is gone: its lease runs out, and another worker takes the job over.
    await subject.handle.db.execute(
      sql`update jobs set lease_owner = 'gone', lease_expires_at = now() - interval '1 second' where id = ${job.id}`,
    );
    const survivor = subject.another();
    expect((await survivor.worker.runOnce())?.id).toBe(job.id);
    expect(await jobRow(job.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(await hostName(id)).toBe('paris-4');
    const after = await allocated();
    expect([after['paris-1']! - before['paris-1']!, after['paris-4']! - before['paris-4']!]).toEqual([-1, 1]);

    await doomed.close();
    await stuck;
    expect(await jobRow(job.id)).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(await allocated()).toEqual(after);
  }, 60_000);

  it('refuses every other action while the hypervisor copies the machine, then lets it be', async () => {
    const slow = await buildSite(subject, { hosts: 2, settings: { migrateDelayMs: 1_500 } });
    const slowHosts = Object.fromEntries(
      (await subject.engine.hostQueries.list(subject.admin, { providerId: slow.providerId })).map((v) => [
        v.host.name,
        v.host.id,
      ]),
    );
    const { machine } = await subject.engine.machines.create(subject.admin, {
      projectId: slow.projectId,
      accountId: slow.accountId,
      locationId: slow.locationId,
      imageId: slow.imageId,
      configurationId: slow.configurationId,
      name: 'copied',
      hostId: slowHosts['paris-1']!,
    });
    await drain();
    const { job } = await subject.engine.migrations.migrate(subject.admin, machine.id, slowHosts['paris-2']!);
    const copying = subject.engine.worker.runOnce();
    for (let i = 0; i < 500 && (await jobRow(job.id)).state !== 'running'; i++)
      await new Promise((r) => setTimeout(r, 10));

    for (const action of ['stop', 'restart', 'pause', 'delete'] as const) {
      const refused = await refusal(subject.engine.machines.act(subject.admin, machine.id, action));
      expect(refused.code, action).toBe('INVALID_STATE');
      expect(refused.message).toBe(
        'Machine "copied" is already moving to paris-2; wait until that migration has finished.',
      );
    }
    await copying;
    expect(await jobRow(job.id)).toMatchObject({ state: 'succeeded' });
    expect(await machineRow(machine.id)).toMatchObject({ state: 'STARTED', hostId: slowHosts['paris-2'] });
    await subject.engine.machines.act(subject.admin, machine.id, 'stop');
    await drain();
    expect((await machineRow(machine.id)).state).toBe('STOPPED');
  }, 60_000);
});
