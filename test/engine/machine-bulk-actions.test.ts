import { jobs } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor } from '@levante/domain';
import { inArray } from 'drizzle-orm';
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

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe.each(TEST_DATABASE_KINDS)('one action on several machines, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let member: Actor;
  let viewer: Actor;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 2 });
    member = await signedInUser(subject, 'member', { projectId: site.projectId, role: 'member' });
    viewer = await signedInUser(subject, 'viewer', { projectId: site.projectId, role: 'viewer' });
    for (const name of ['a', 'b', 'c']) {
      ids[name] = (await subject.engine.machines.create(member, machineOn(site, name))).machine.id;
    }
    await drainJobs(subject.engine);
    await subject.engine.machines.act(member, ids.c!, 'stop');
    await drainJobs(subject.engine);
  }, 60_000);
  afterAll(() => subject?.close());

  const states = async () => {
    const out: Record<string, string> = {};
    for (const [name, id] of Object.entries(ids)) {
      out[name] = (await subject.engine.machineQueries.byId(member, id)).machine.state;
    }
    return out;
  };
  const jobCount = async () =>
    (
      await subject.handle.db
        .select({ id: jobs.id })
        .from(jobs)
        .where(inArray(jobs.machineId, Object.values(ids)))
    ).length;

  it('acts on each machine its state allows, and says why it left the others', async () => {
    const { started, refused } = await subject.engine.machines.actOnMany(
      member,
      [ids.a!, ids.b!, ids.c!, UNKNOWN],
      'stop',
    );
    expect(started.map((s) => s.machine.name)).toEqual(['a', 'b']);
    expect(started.every((s) => s.machine.state === 'STOPPING' && s.job.state === 'queued')).toBe(true);
    expect(refused.map((r) => [r.machineId, r.error.code, r.error.message])).toEqual([
      [ids.c, 'INVALID_STATE', 'Machine "c" is STOPPED and cannot stop; from STOPPED you can start, delete.'],
      [UNKNOWN, 'NOT_FOUND', 'Machine was not found.'],
    ]);
    await drainJobs(subject.engine);
    expect(await states()).toEqual({ a: 'STOPPED', b: 'STOPPED', c: 'STOPPED' });

    const again = await subject.engine.machines.actOnMany(member, [ids.a!, ids.b!, ids.c!], 'start');
    expect(again.started).toHaveLength(3);
    expect(again.refused).toEqual([]);
    await drainJobs(subject.engine);
    expect(await states()).toEqual({ a: 'STARTED', b: 'STARTED', c: 'STARTED' });
  });

  it('refuses each machine to a viewer, and changes nothing', async () => {
    const before = await jobCount();
    const { started, refused } = await subject.engine.machines.actOnMany(viewer, [ids.a!, ids.b!], 'delete');
    expect(started).toEqual([]);
    expect(refused.map((r) => r.error.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(await jobCount()).toBe(before);
    expect(await states()).toEqual({ a: 'STARTED', b: 'STARTED', c: 'STARTED' });
  });

  it('refuses the whole request when the list is empty, too long or names a machine twice', async () => {
    const before = await jobCount();
    const empty = await refusal(subject.engine.machines.actOnMany(member, [], 'stop'));
    expect(empty).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'machineIds',
      message: 'Name at least one machine.',
    });
    const tooMany = Array.from(
      { length: 101 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    expect((await refusal(subject.engine.machines.actOnMany(member, tooMany, 'stop'))).message).toBe(
      'Act on at most 100 machines at a time.',
    );
    expect((await refusal(subject.engine.machines.actOnMany(member, [ids.a!, ids.a!], 'stop'))).message).toBe(
      'A machine is named more than once.',
    );
    expect(await jobCount()).toBe(before);
    expect(await states()).toEqual({ a: 'STARTED', b: 'STARTED', c: 'STARTED' });
  });
});
