import { events, machines } from '@levante/db';
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

describe.each(TEST_DATABASE_KINDS)('renaming a machine, on %s', (kind) => {
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

  const create = async (name: string) => {
    const { machine } = await subject.engine.machines.create(subject.admin, machineOn(site, name));
    await drainJobs(subject.engine);
    return machine;
  };
  const nameOf = async (id: string) =>
    (await subject.handle.db.select().from(machines).where(eq(machines.id, id)))[0]!.name;

  it('renames it in Levante, with an event', async () => {
    const machine = await create('old-name');
    const renamed = await subject.engine.machines.rename(subject.admin, machine.id, 'new-name');
    expect(renamed).toMatchObject({ id: machine.id, name: 'new-name', state: 'STARTED' });
    const [recorded] = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.type, 'machine.renamed'), eq(events.subjectId, machine.id)));
    expect(recorded).toMatchObject({
      summary: 'admin renamed machine old-name to new-name.',
      before: { name: 'old-name' },
      after: { name: 'new-name', state: 'STARTED' },
    });
  });

  it("refuses a name another machine of the project uses, or no valid name, and keeps the machine's", async () => {
    const machine = await create('first');
    await create('second');
    const taken = await refusal(subject.engine.machines.rename(subject.admin, machine.id, 'SECOND'));
    expect(taken).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(taken.message).toBe('Project already has a machine named "SECOND".');
    const invalid = await refusal(
      subject.engine.machines.rename(subject.admin, machine.id, 'no spaces allowed'),
    );
    expect(invalid).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await nameOf(machine.id)).toBe('first');
  });

  it('takes the name of a deleted machine, and does not rename a deleted one', async () => {
    const gone = await create('gone');
    await subject.engine.machines.act(subject.admin, gone.id, 'delete');
    await drainJobs(subject.engine);
    const machine = await create('heir');
    expect((await subject.engine.machines.rename(subject.admin, machine.id, 'gone')).name).toBe('gone');
    const deleted = await refusal(subject.engine.machines.rename(subject.admin, gone.id, 'revived'));
    expect(deleted.code).toBe('NOT_FOUND');
  });

  it('is refused to a viewer and to someone outside the project', async () => {
    const machine = await create('guarded');
    expect((await refusal(subject.engine.machines.rename(viewer, machine.id, 'mine'))).code).toBe(
      'FORBIDDEN',
    );
    expect((await refusal(subject.engine.machines.rename(stranger, machine.id, 'mine'))).code).toBe(
      'NOT_FOUND',
    );
    expect(await nameOf(machine.id)).toBe('guarded');
  });
});
