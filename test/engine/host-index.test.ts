import { hosts, machines } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Engine } from '@levante/engine';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  drainJobs,
  type EngineUnderTest,
  engineUnderTest,
  machineOn,
  type Site,
} from '../support/engine-under-test.ts';
import { refusal } from '../support/refusal.ts';

/**
 * Each engine keeps its hosts indexed between creates instead of reading and
 * scanning them per create. Two replicas on one database each keep their own:
 * what one changes, the other's index does not know, and the database must
 * still decide (no overcommit, no host out of service, no capacity lost).
 */
describe.each(TEST_DATABASE_KINDS)('placement from the kept host index, two replicas on %s', (kind) => {
  let subject: EngineUnderTest;
  let other: Engine;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    other = subject.another();
  }, 60_000);
  afterAll(() => subject?.close());

  const drain = async (engine: Engine) => {
    await drainJobs(engine);
  };
  const create = async (engine: Engine, site: Site, name: string) => {
    const { machine } = await engine.machines.create(subject.admin, machineOn(site, name));
    return machine;
  };
  /** Each host of the site: [name, allocated vCPUs, vCPUs the live machines on it hold]. */
  const allocation = async (site: Site) => {
    const rows = await subject.handle.db.select().from(hosts).where(eq(hosts.providerId, site.providerId));
    const live = await subject.handle.db
      .select()
      .from(machines)
      .where(and(eq(machines.projectId, site.projectId), ne(machines.state, 'DELETED')));
    return rows
      .map((h) => [
        h.name,
        h.allocatedVcpus,
        live.filter((m) => m.hostId === h.id).reduce((sum, m) => sum + m.vcpus, 0),
      ])
      .sort();
  };
  /** A site of two hosts with room for two small machines each (1 vCPU, no overcommit). */
  const tightSite = async () => {
    const site = await buildSite(subject, { hosts: 0 });
    for (const name of ['tight-1', 'tight-2']) {
      await subject.engine.hosts.register(subject.admin, {
        providerId: site.providerId,
        location: 'paris',
        name,
        hypervisor: 'kvm',
        vcpus: 2,
        memoryMiB: 64 * 1024,
        diskGiB: 1000,
        cpuAllocationRatio: 1,
      });
    }
    return site;
  };

  it('never overcommits a host that the other replica filled, and places on capacity it gave back', async () => {
    const site = await tightSite();
    // This replica's index now holds the site, with one machine on it.
    await create(subject.engine, site, 'mine-1');
    // The other replica fills the site behind its back.
    for (const name of ['theirs-1', 'theirs-2', 'theirs-3']) await create(other, site, name);

    const full = await refusal(create(subject.engine, site, 'one-too-many'));
    expect(full.code).toBe('PROVIDER_ERROR');
    expect(full.message).toMatch(/lack vCPUs/);
    expect(await allocation(site)).toEqual([
      ['tight-1', 2, 2],
      ['tight-2', 2, 2],
    ]);

    // The other replica deletes one of its machines: its host has room again.
    const theirs = await subject.handle.db.select().from(machines).where(eq(machines.name, 'theirs-2'));
    await drain(other);
    await other.machines.act(subject.admin, theirs[0]!.id, 'delete');
    await drain(other);
    const again = await create(subject.engine, site, 'mine-2');
    expect(again.hostId).toBe(theirs[0]!.hostId);
    expect(await allocation(site)).toEqual([
      ['tight-1', 2, 2],
      ['tight-2', 2, 2],
    ]);
  });

  it('places nothing on a host the other replica put in maintenance', async () => {
    const site = await buildSite(subject, { hosts: 2 });
    await create(subject.engine, site, 'warm');
    const [busy] = await subject.handle.db
      .select()
      .from(hosts)
      .where(and(eq(hosts.providerId, site.providerId), eq(hosts.name, 'paris-2')));
    await other.hosts.setMaintenance(subject.admin, busy!.id, true);

    const placed = [];
    for (let i = 0; i < 4; i++) placed.push((await create(subject.engine, site, `after-${i}`)).hostId);
    expect(placed).not.toContain(busy!.id);
    expect(new Set(placed).size).toBe(1);
  });

  it('sees a host the other replica registered only once its own index is read again, and never loses a claim', async () => {
    const site = await tightSite();
    await create(subject.engine, site, 'first');
    await other.hosts.register(subject.admin, {
      providerId: site.providerId,
      location: 'paris',
      name: 'late',
      hypervisor: 'kvm',
      vcpus: 2,
      memoryMiB: 64 * 1024,
      diskGiB: 1000,
      cpuAllocationRatio: 1,
    });
    // Six machines fit in the three hosts: the index this replica kept knows two of them, and a
    // refusal from a kept index is checked against the database before it is given.
    for (let i = 0; i < 5; i++) await create(subject.engine, site, `more-${i}`);
    expect(await allocation(site)).toEqual([
      ['late', 2, 2],
      ['tight-1', 2, 2],
      ['tight-2', 2, 2],
    ]);
  });
});
