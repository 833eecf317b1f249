import { randomUUID } from 'node:crypto';
import { events, hosts, machines } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { LevanteError } from '@levante/domain';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type EngineUnderTest, engineUnderTest, type Site } from '../support/engine-under-test.ts';

/**
 * Creates that arrive together are written together (group commit): each must
 * still get its own answer, and together they must never take more than the
 * hosts, the quota or the names allow.
 */
describe.each(TEST_DATABASE_KINDS)('machine creates arriving together on %s', (kind) => {
  let subject: EngineUnderTest;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    await subject.engine.users.create(subject.admin, {
      username: 'stranger',
      password: 'a long enough password',
      mustChangePassword: false,
    });
  }, 60_000);
  afterAll(() => subject?.close());

  /** Sends every create at once; answers, in order, each one's machine name or error code. */
  async function createAll(
    site: Site,
    requests: { name: string; imageId?: string; placementGroupId?: string; stranger?: boolean }[],
  ): Promise<string[]> {
    const { engine, admin } = subject;
    const stranger = (
      await engine.auth.login({ username: 'stranger', password: 'a long enough password' }, 't')
    ).actor;
    const results = await Promise.allSettled(
      requests.map((r) =>
        engine.machines.create(r.stranger ? stranger : admin, {
          projectId: site.projectId,
          accountId: site.accountId,
          locationId: site.locationId,
          imageId: r.imageId ?? site.imageId,
          configurationId: site.configurationId,
          name: r.name,
          placementGroupId: r.placementGroupId ?? null,
        }),
      ),
    );
    return results.map((r) => {
      if (r.status === 'fulfilled') return r.value.machine.name;
      if (r.reason instanceof LevanteError) return r.reason.code;
      throw r.reason;
    });
  }

  async function machinesOf(site: Site) {
    return subject.handle.db.select().from(machines).where(eq(machines.projectId, site.projectId));
  }

  it('answers each create on its own: the good ones are made, each bad one gets its own refusal', async () => {
    const site = await buildSite(subject, { hosts: 2 });
    const answers = await createAll(site, [
      { name: 'first' },
      { name: 'a-1' },
      { name: 'twin' },
      { name: 'a-2' },
      { name: 'twin' },
      { name: 'ghost-image', imageId: randomUUID() },
      { name: 'not-mine', stranger: true },
      { name: 'a-3' },
    ]);
    expect(answers.filter((a) => a === 'twin')).toHaveLength(1);
    expect(answers).toContain('CONFLICT');
    expect(answers[5]).toBe('NOT_FOUND');
    expect(answers[6]).toBe('NOT_FOUND');
    expect(answers.filter((a) => ['first', 'a-1', 'a-2', 'a-3'].includes(a))).toHaveLength(4);

    const rows = await machinesOf(site);
    expect(rows.map((m) => m.name).sort()).toEqual(['a-1', 'a-2', 'a-3', 'first', 'twin']);
    // The hosts hold exactly what was placed on them.
    const placed = await subject.handle.db.select().from(hosts).where(eq(hosts.providerId, site.providerId));
    for (const host of placed) {
      const on = rows.filter((m) => m.hostId === host.id);
      expect(host.allocatedVcpus).toBe(on.reduce((sum, m) => sum + m.vcpus, 0));
      expect(host.allocatedMemoryMiB).toBe(on.reduce((sum, m) => sum + m.memoryMiB, 0));
    }
    // One creation event per machine made, none for the refused.
    const created = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.projectId, site.projectId), eq(events.type, 'machine.created')));
    expect(created.map((e) => e.subjectId).sort()).toEqual(rows.map((m) => m.id).sort());
  });

  it('never places more on a host than it can take, however many creates come at once', async () => {
    const site = await buildSite(subject, { hosts: 0 });
    // Room for 3 + 2 small machines (1 vCPU each, no overcommit).
    for (const [name, vcpus] of [
      ['tight-1', 3],
      ['tight-2', 2],
    ] as const) {
      await subject.engine.hosts.register(subject.admin, {
        providerId: site.providerId,
        location: 'paris',
        name,
        hypervisor: 'kvm',
        vcpus,
        memoryMiB: 64 * 1024,
        diskGiB: 1000,
        cpuAllocationRatio: 1,
      });
    }
    const answers = await createAll(
      site,
      Array.from({ length: 9 }, (_, i) => ({ name: `m-${i}` })),
    );
    expect(answers.filter((a) => a.startsWith('m-'))).toHaveLength(5);
    expect(answers.filter((a) => a === 'PROVIDER_ERROR')).toHaveLength(4);
    const placed = await subject.handle.db.select().from(hosts).where(eq(hosts.providerId, site.providerId));
    expect(placed.map((h) => [h.name, h.allocatedVcpus]).sort()).toEqual([
      ['tight-1', 3],
      ['tight-2', 2],
    ]);
  });

  it('keeps the machines of an anti-affinity group apart even when they arrive together', async () => {
    const site = await buildSite(subject, { hosts: 3 });
    const group = await subject.engine.placementGroups.create(subject.admin, site.projectId, {
      name: 'apart',
      policy: 'anti-affinity',
    });
    const answers = await createAll(
      site,
      Array.from({ length: 4 }, (_, i) => ({ name: `apart-${i}`, placementGroupId: group.id })),
    );
    expect(answers.filter((a) => a.startsWith('apart-'))).toHaveLength(3);
    expect(answers.filter((a) => a === 'PROVIDER_ERROR')).toHaveLength(1);
    const rows = await machinesOf(site);
    expect(new Set(rows.map((m) => m.hostId)).size).toBe(3);
  });
});
