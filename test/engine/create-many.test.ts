import { events, hosts, jobs, machines } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor } from '@levante/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  drainJobs,
  type EngineUnderTest,
  engineUnderTest,
  machineOn,
  type Site,
  signedInUser,
} from '../support/engine-under-test.ts';
import { refusal } from '../support/refusal.ts';

describe.each(TEST_DATABASE_KINDS)('creating several machines in one request, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let viewer: Actor;
  let stranger: Actor;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 2 });
    viewer = await signedInUser(subject, 'viewer', { projectId: site.projectId, role: 'viewer' });
    stranger = await signedInUser(subject, 'stranger');
  }, 60_000);
  afterAll(() => subject?.close());

  const createMany = (name: string, count: number, actor = subject.admin, extra = {}) =>
    subject.engine.machines.createMany(actor, { ...machineOn(site, name), ...extra }, count);
  /** What a refused request could have left behind: machines, jobs, events, host allocations. */
  const footprint = async () => {
    const { db } = subject.handle;
    const [m, j, e, h] = await Promise.all([
      db.select({ name: machines.name }).from(machines).where(eq(machines.projectId, site.projectId)),
      db.select({ id: jobs.id }).from(jobs).where(eq(jobs.projectId, site.projectId)),
      db.select({ id: events.id }).from(events).where(eq(events.projectId, site.projectId)),
      db.select({ vcpus: hosts.allocatedVcpus, memory: hosts.allocatedMemoryMiB }).from(hosts),
    ]);
    return { machines: m.map((r) => r.name).sort(), jobs: j.length, events: e.length, hosts: h };
  };

  it('names them after the one name asked, each with its job, and runs every one to STARTED', async () => {
    const created = await createMany('web', 3);
    expect(created.map((c) => c.machine.name)).toEqual(['web-1', 'web-2', 'web-3']);
    expect(created.map((c) => c.machine.state)).toEqual(['CREATING', 'CREATING', 'CREATING']);
    expect(new Set(created.map((c) => c.job.id)).size).toBe(3);
    expect(created.every((c, i) => c.job.machineId === created[i]!.machine.id)).toBe(true);
    await drainJobs(subject.engine);
    for (const { machine } of created) {
      const { machine: now, host } = await subject.engine.machineQueries.byId(subject.admin, machine.id);
      expect(now.state).toBe('STARTED');
      expect(host).not.toBeNull();
    }
  });

  it('refuses them all when one name is taken, and writes nothing', async () => {
    await subject.engine.machines.create(subject.admin, machineOn(site, 'db-2'));
    await drainJobs(subject.engine);
    const before = await footprint();
    const refused = await refusal(createMany('db', 3));
    expect(refused).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(refused.message).toContain('db-2');
    expect(await footprint()).toEqual(before);
  });

  it('refuses them all when together they exceed the quota, naming what they ask in all', async () => {
    const limits = { vcpus: null, memoryMiB: null, storageGiB: null };
    await subject.engine.quotas.set(subject.admin, site.projectId, { ...limits, machines: 6 });
    const before = await footprint();
    expect(before.machines).toHaveLength(4);
    const refused = await refusal(createMany('api', 3));
    expect(refused.code).toBe('QUOTA_EXCEEDED');
    expect(refused.message).toMatch(/would use 7 machines, over its quota of 6 \(4 in use\)/);
    expect(await footprint()).toEqual(before);

    expect((await createMany('api', 2)).map((c) => c.machine.name)).toEqual(['api-1', 'api-2']);
    await drainJobs(subject.engine);
    await subject.engine.quotas.set(subject.admin, site.projectId, { ...limits, machines: null });
  });

  it('refuses them all when the hosts cannot take every one, and claims no capacity', async () => {
    const group = await subject.engine.placementGroups.create(subject.admin, site.projectId, {
      name: 'spread',
      policy: 'anti-affinity',
    });
    const before = await footprint();
    const refused = await refusal(createMany('spread', 3, subject.admin, { placementGroupId: group.id }));
    expect(refused.code).toBe('PROVIDER_ERROR');
    expect(refused.details).toMatchObject({ providerError: 'CapacityError' });
    expect(await footprint()).toEqual(before);

    // Two fit, one per host, and the hosts' index was not left holding the refused claims.
    const spread = await createMany('spread', 2, subject.admin, { placementGroupId: group.id });
    const placed = spread.map((c) => c.item.host?.id);
    expect(new Set(placed).size).toBe(2);
    await drainJobs(subject.engine);
  });

  it('refuses a count out of bounds and a name too long for its suffix', async () => {
    for (const count of [0, 51, 1.5]) {
      const refused = await refusal(createMany('x', count));
      expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'count' });
    }
    expect((await refusal(createMany('x', 51))).message).toBe('Ask for at most 50 machines at a time.');
    const long = await refusal(createMany('a'.repeat(62), 10));
    expect(long).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(long.message).toBe(
      'With 10 machines, a name has at most 60 characters: "-1" to "-10" is added to it.',
    );
  });

  it('lets only writers of the project create, and hides it from others', async () => {
    const before = await footprint();
    expect((await refusal(createMany('v', 2, viewer))).code).toBe('FORBIDDEN');
    expect((await refusal(createMany('s', 2, stranger))).code).toBe('NOT_FOUND');
    expect(await footprint()).toEqual(before);
  });
});
