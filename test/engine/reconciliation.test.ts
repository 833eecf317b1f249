import { join } from 'node:path';
import { type Connector, ConnectorError } from '@levante/connector-api';
import { localConnectorFactory } from '@levante/connector-local';
import { events, hosts, machines, providerAccounts } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor, MachineAction } from '@levante/domain';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  drainJobs,
  type EngineUnderTest,
  engineUnderTest,
  FAST_SITE,
  machineOn,
  type Site,
  signedInUser,
} from '../support/engine-under-test.ts';
import { localRegistryWith } from '../support/local-registry-with.ts';
import { refusal } from '../support/refusal.ts';

/** The local connector whose provider cannot be reached for listings. */
const unreachable = localRegistryWith(() => ({
  listMachines: () => {
    throw new ConnectorError('ProviderUnavailable', 'The site does not answer.');
  },
}));

describe.each(TEST_DATABASE_KINDS)('machines changed outside Levante, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let viewer: Actor;
  let stranger: Actor;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 1 });
    viewer = await signedInUser(subject, 'viewer', { projectId: site.projectId, role: 'viewer' });
    stranger = await signedInUser(subject, 'stranger');
  }, 60_000);
  afterAll(() => subject?.close());

  const drain = () => drainJobs(subject.engine);
  const reconcile = () => subject.engine.accounts.reconcile(subject.admin, site.accountId);
  const machineRow = async (id: string) =>
    (await subject.handle.db.select().from(machines).where(eq(machines.id, id)))[0]!;
  const host = async () =>
    (await subject.handle.db.select().from(hosts).where(eq(hosts.providerId, site.providerId)))[0]!;
  const account = async () =>
    (
      await subject.handle.db.select().from(providerAccounts).where(eq(providerAccounts.id, site.accountId))
    )[0]!;
  const eventsOf = async (machineId: string) =>
    subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.subjectId, machineId), eq(events.type, 'machine.state_changed')))
      .orderBy(events.id);

  /** What somebody does at the provider without Levante: the site's own API, with the account's token. */
  const outside = async (work: (connector: Connector) => Promise<void>) => {
    const connector = await localConnectorFactory.connect({
      endpoint: null,
      credentials: { token: FAST_SITE.token },
      settings: FAST_SITE,
      dataDir: join(subject.dataDir, 'accounts', site.accountId),
    });
    try {
      await work(connector);
    } finally {
      await connector.close();
    }
  };
  const actOutside = (providerRef: string, action: MachineAction) =>
    outside(async (connector) => {
      await connector.act({ ref: providerRef, location: 'paris' }, action);
      // The simulator answers at once but settles on the next read.
      await connector.getMachine({ ref: providerRef, location: 'paris' });
    });

  const started = async (name: string) => {
    const { machine } = await subject.engine.machines.create(subject.admin, machineOn(site, name));
    await drain();
    const row = await machineRow(machine.id);
    expect(row.state).toBe('STARTED');
    return row;
  };

  it('records a machine stopped and started again outside Levante, with an event each', async () => {
    const machine = await started('drifter');
    const held = await host();
    await actOutside(machine.providerRef!, 'stop');

    const first = await reconcile();
    expect(first.changed).toBe(1);
    expect(await machineRow(machine.id)).toMatchObject({ state: 'STOPPED', error: null });
    const [, stopped] = await eventsOf(machine.id);
    expect(stopped).toMatchObject({
      actorId: null,
      summary: 'Machine drifter is STOPPED: it was changed outside Levante.',
      before: { state: 'STARTED' },
      after: { state: 'STOPPED', outsideLevante: true },
    });
    // A stopped machine keeps its place on the host.
    expect((await host()).allocatedVcpus).toBe(held.allocatedVcpus);

    await actOutside(machine.providerRef!, 'start');
    expect((await reconcile()).changed).toBe(1);
    expect(await machineRow(machine.id)).toMatchObject({ state: 'STARTED' });
    // Nothing more changed: a second pass writes nothing.
    expect((await reconcile()).changed).toBe(0);
    expect(await eventsOf(machine.id)).toHaveLength(3);
    expect((await account()).reconcileError).toBeNull();
    expect((await account()).reconciledAt).toBeInstanceOf(Date);
  });

  it('records a machine deleted outside Levante as DELETED, giving its host capacity and name back', async () => {
    const machine = await started('vanishing');
    const before = await host();
    await actOutside(machine.providerRef!, 'delete');

    expect((await reconcile()).changed).toBe(1);
    expect(await machineRow(machine.id)).toMatchObject({ state: 'DELETED', addresses: [] });
    expect((await eventsOf(machine.id)).at(-1)).toMatchObject({
      summary: 'Machine vanishing was deleted outside Levante.',
      after: { state: 'DELETED' },
    });
    const after = await host();
    expect(after.allocatedVcpus).toBe(before.allocatedVcpus - machine.vcpus);
    expect(after.allocatedMemoryMiB).toBe(before.allocatedMemoryMiB - machine.memoryMiB);
    // The name is free again.
    const again = await started('vanishing');
    expect(again.id).not.toBe(machine.id);
  });

  it('takes back the host capacity of a machine Levante had given up on that runs after all', async () => {
    const machine = await started('late-bloomer');
    const before = await host();
    // Levante gave up waiting (ERROR, capacity released) while the provider went on and started it.
    await subject.handle.db
      .update(machines)
      .set({ state: 'ERROR', error: 'The provider did not finish within 900 s.' })
      .where(eq(machines.id, machine.id));
    await subject.handle.db
      .update(hosts)
      .set({
        allocatedVcpus: sql`${hosts.allocatedVcpus} - ${machine.vcpus}`,
        allocatedMemoryMiB: sql`${hosts.allocatedMemoryMiB} - ${machine.memoryMiB}`,
        allocatedDiskGiB: sql`${hosts.allocatedDiskGiB} - ${machine.diskGiB}`,
      })
      .where(eq(hosts.id, machine.hostId!));

    expect((await reconcile()).changed).toBe(1);
    expect(await machineRow(machine.id)).toMatchObject({ state: 'STARTED', error: null });
    expect(await host()).toMatchObject({
      allocatedVcpus: before.allocatedVcpus,
      allocatedMemoryMiB: before.allocatedMemoryMiB,
      allocatedDiskGiB: before.allocatedDiskGiB,
    });
  });

  it("records a running machine's addresses when the provider's differ, with an event", async () => {
    const machine = await started('renumbered');
    expect(machine.addresses.length).toBeGreaterThan(0);
    // What Levante recorded is no longer what the provider gives it (a lease renewed elsewhere).
    await subject.handle.db
      .update(machines)
      .set({ addresses: ['192.0.2.7'] })
      .where(eq(machines.id, machine.id));

    expect((await reconcile()).changed).toBe(1);
    expect(await machineRow(machine.id)).toMatchObject({ state: 'STARTED', addresses: machine.addresses });
    const [event] = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.subjectId, machine.id), eq(events.type, 'machine.addresses_changed')));
    expect(event).toMatchObject({
      actorId: null,
      summary: `Machine renumbered's addresses changed outside Levante: ${machine.addresses.join(', ')}.`,
      before: { addresses: ['192.0.2.7'] },
      after: { state: 'STARTED', addresses: machine.addresses, outsideLevante: true },
    });
    expect((await reconcile()).changed).toBe(0);
  });

  it('leaves alone a machine a job is working on, and lets the job find out', async () => {
    const machine = await started('busy');
    await subject.engine.machines.act(subject.admin, machine.id, 'stop');
    await actOutside(machine.providerRef!, 'delete');

    const result = await reconcile();
    expect(result.changed).toBe(0);
    expect(await machineRow(machine.id)).toMatchObject({ state: 'STOPPING' });
    // The stop job runs and meets the machine gone: that is its own finding, not the reconciler's.
    await drain();
    expect((await eventsOf(machine.id)).some((e) => e.after?.outsideLevante === true)).toBe(false);
  });

  it('notes why a pass failed when the provider cannot be reached, and clears it on the next', async () => {
    const cut = subject.another({ registry: unreachable });
    const error = await refusal(cut.accounts.reconcile(subject.admin, site.accountId));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.message).toMatch(/The site does not answer/);
    expect((await account()).reconcileError).toMatch(/The site does not answer/);

    await reconcile();
    expect((await account()).reconcileError).toBeNull();
  });

  it('lets only those who may change the account ask for a pass', async () => {
    const asViewer = await refusal(subject.engine.accounts.reconcile(viewer, site.accountId));
    expect(asViewer.code).toBe('FORBIDDEN');
    const asStranger = await refusal(subject.engine.accounts.reconcile(stranger, site.accountId));
    expect(asStranger.code).toBe('NOT_FOUND');
    const unknown = await refusal(
      subject.engine.accounts.reconcile(subject.admin, '00000000-0000-4000-8000-000000000000'),
    );
    expect(unknown.code).toBe('NOT_FOUND');
  });

  it('runs by itself in workers, each account reconciled once per round however many workers run', async () => {
    const machine = await started('watched');
    // Every pass so far was asked for; let the periodic ones find the account due.
    await subject.handle.db
      .update(providerAccounts)
      .set({ reconciledAt: null })
      .where(eq(providerAccounts.id, site.accountId));
    const workers = [0, 1].map(() => subject.another({ reconcileIntervalMs: 60_000 }));
    await actOutside(machine.providerRef!, 'stop');
    for (const worker of workers) worker.reconciler.start();
    try {
      for (let i = 0; i < 100 && (await machineRow(machine.id)).state !== 'STOPPED'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await machineRow(machine.id)).state).toBe('STOPPED');
      // Changed again: the account is not due before the interval is over, so nobody looks.
      await actOutside(machine.providerRef!, 'start');
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect((await machineRow(machine.id)).state).toBe('STOPPED');
    } finally {
      for (const worker of workers) await worker.reconciler.stop();
    }
    const outsideEvents = (await eventsOf(machine.id)).filter((e) => e.after?.outsideLevante === true);
    expect(outsideEvents).toHaveLength(1);
  }, 30_000);
});
