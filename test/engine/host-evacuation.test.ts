import { randomUUID } from 'node:crypto';
import { events, machines } from '@levante/db';
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

describe.each(TEST_DATABASE_KINDS)('evacuating a host, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let member: Actor;
  const hostIds: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const hostOf = async (name: string) => {
    const [row] = await subject.handle.db.select().from(machines).where(eq(machines.id, ids[name]!));
    return Object.entries(hostIds).find(([, id]) => id === row?.hostId)?.[0];
  };
  const allocated = async () =>
    Object.fromEntries(
      (await subject.engine.hostQueries.list(subject.admin, { providerId: site.providerId })).map((v) => [
        v.host.name,
        v.host.allocatedVcpus,
      ]),
    );
  const maintenance = (host: string, on: boolean) =>
    subject.engine.hosts.setMaintenance(subject.admin, hostIds[host]!, on);

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 3 });
    member = await signedInUser(subject, 'member', { projectId: site.projectId, role: 'member' });
    for (const view of await subject.engine.hostQueries.list(subject.admin, {
      providerId: site.providerId,
    })) {
      hostIds[view.host.name] = view.host.id;
    }
    for (const [name, host] of [
      ['a', 'paris-1'],
      ['b', 'paris-1'],
      ['c', 'paris-1'],
      ['d', 'paris-2'],
    ] as const) {
      const { machine } = await subject.engine.machines.create(subject.admin, {
        ...machineOn(site, name),
        hostId: hostIds[host]!,
      });
      ids[name] = machine.id;
    }
    await drainJobs(subject.engine);
    await subject.engine.machines.act(subject.admin, ids.c!, 'stop');
    await drainJobs(subject.engine);
  }, 60_000);
  afterAll(() => subject?.close());

  it('is refused for a host in service, for people who are not platform admins, and for an unknown host', async () => {
    const before = await allocated();
    const inService = await refusal(subject.engine.migrations.evacuate(subject.admin, hostIds['paris-1']!));
    expect(inService.code).toBe('INVALID_STATE');
    expect(inService.message).toBe(
      'Host paris-1 is in service: put it in maintenance first, so that no new machine lands on it.',
    );
    await maintenance('paris-1', true);
    expect((await refusal(subject.engine.migrations.evacuate(member, hostIds['paris-1']!))).code).toBe(
      'FORBIDDEN',
    );
    expect((await refusal(subject.engine.migrations.evacuate(subject.admin, randomUUID()))).code).toBe(
      'NOT_FOUND',
    );
    await drainJobs(subject.engine);
    expect(await allocated()).toEqual(before);
    expect(await hostOf('a')).toBe('paris-1');
  });

  it('moves every running machine to a host the scheduler chooses, and says why the others stay', async () => {
    const evacuation = await subject.engine.migrations.evacuate(subject.admin, hostIds['paris-1']!);
    expect(evacuation.moving.map((m) => m.machine.name)).toEqual(['a', 'b']);
    expect(evacuation.left.map(({ machine, reason }) => [machine.name, reason])).toEqual([
      ['c', 'Machine "c" is STOPPED; only a STARTED machine can migrate (it moves while it runs).'],
    ]);
    await drainJobs(subject.engine);
    for (const name of ['a', 'b']) expect(['paris-2', 'paris-3']).toContain(await hostOf(name));
    expect(await hostOf('c')).toBe('paris-1');
    // What stays on paris-1 is the stopped machine's share: 1 vCPU of the "small" configuration.
    expect((await allocated())['paris-1']).toBe(1);
    const [event] = await subject.handle.db.select().from(events).where(eq(events.type, 'host.evacuated'));
    expect(event?.summary).toBe('admin asked to move the machines off host paris-1: 2 moving, 1 left.');
  });

  it('leaves a machine that no other host can take where it is, with the reason, and reserves nothing', async () => {
    await subject.engine.machines.act(subject.admin, ids.c!, 'start');
    await drainJobs(subject.engine);
    await maintenance('paris-2', true);
    await maintenance('paris-3', true);
    const before = await allocated();
    const evacuation = await subject.engine.migrations.evacuate(subject.admin, hostIds['paris-1']!);
    expect(evacuation.moving).toEqual([]);
    expect(evacuation.left.map((l) => l.machine.name)).toEqual(['c']);
    expect(evacuation.left[0]!.reason).toMatch(/^No other host can take machine c: /);
    await drainJobs(subject.engine);
    expect(await allocated()).toEqual(before);
    expect(await hostOf('c')).toBe('paris-1');
  });
});
