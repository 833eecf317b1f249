import { events, machines, placementGroups } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor } from '@levante/domain';
import { and, eq } from 'drizzle-orm';
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

describe.each(TEST_DATABASE_KINDS)('deleting a placement group, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let viewer: Actor;
  let stranger: Actor;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 3 });
    viewer = await signedInUser(subject, 'viewer', { projectId: site.projectId, role: 'viewer' });
    stranger = await signedInUser(subject, 'stranger');
  }, 60_000);
  afterAll(() => subject?.close());

  const drain = () => drainJobs(subject.engine);
  const group = (name: string) =>
    subject.engine.placementGroups.create(subject.admin, site.projectId, { name, policy: 'anti-affinity' });
  const groupRow = async (id: string) =>
    (await subject.handle.db.select().from(placementGroups).where(eq(placementGroups.id, id)))[0];
  const membersOf = async (name: string) =>
    (await subject.engine.placementGroups.list(subject.admin, site.projectId)).find((g) => g.name === name)
      ?.members;

  it('is refused while a machine of the group is not deleted, and changes nothing', async () => {
    const spread = await group('spread');
    const { machine } = await subject.engine.machines.create(subject.admin, {
      ...machineOn(site, 'spread-1'),
      placementGroupId: spread.id,
    });
    await drain();
    expect(await membersOf('spread')).toBe(1);

    const refused = await refusal(subject.engine.placementGroups.delete(subject.admin, spread.id));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toBe('Placement group spread still has 1 machine; delete it first.');
    expect(await groupRow(spread.id)).toBeDefined();
    const [kept] = await subject.handle.db.select().from(machines).where(eq(machines.id, machine.id));
    expect(kept).toMatchObject({ placementGroupId: spread.id, state: 'STARTED' });
  });

  it('removes a group whose machines are deleted; they keep their history without it', async () => {
    const [member] = await subject.handle.db.select().from(machines).where(eq(machines.name, 'spread-1'));
    await subject.engine.machines.act(subject.admin, member!.id, 'delete');
    await drain();
    expect(await membersOf('spread')).toBe(0);

    const deleted = await subject.engine.placementGroups.delete(subject.admin, member!.placementGroupId!);
    expect(deleted.name).toBe('spread');
    expect(await groupRow(deleted.id)).toBeUndefined();
    expect(await membersOf('spread')).toBeUndefined();
    const [history] = await subject.handle.db.select().from(machines).where(eq(machines.id, member!.id));
    expect(history).toMatchObject({ state: 'DELETED', placementGroupId: null });
    const [event] = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.type, 'placement_group.deleted'), eq(events.subjectId, deleted.id)));
    expect(event).toMatchObject({
      projectId: site.projectId,
      summary: 'admin deleted the anti-affinity group spread.',
    });
    // Its name is free again, and a create naming the deleted group is refused.
    expect((await group('spread')).name).toBe('spread');
    const missing = await refusal(
      subject.engine.machines.create(subject.admin, {
        ...machineOn(site, 'spread-2'),
        placementGroupId: deleted.id,
      }),
    );
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('is refused to a viewer (FORBIDDEN), and to a stranger or for an unknown group (NOT_FOUND)', async () => {
    const kept = await group('kept');
    expect((await refusal(subject.engine.placementGroups.delete(viewer, kept.id))).code).toBe('FORBIDDEN');
    expect((await refusal(subject.engine.placementGroups.delete(stranger, kept.id))).code).toBe('NOT_FOUND');
    const unknown = await refusal(
      subject.engine.placementGroups.delete(subject.admin, '00000000-0000-4000-8000-000000000000'),
    );
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: 'Placement group was not found.' });
    expect(await groupRow(kept.id)).toBeDefined();
  });
});
