import { events, machines, projects } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { eq } from 'drizzle-orm';
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

/** A project goes only once nothing of it runs or is used by others; what it ran stays in the activity log. */
describe.each(TEST_DATABASE_KINDS)('deleting a project on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 1, projectName: 'owner' });
  }, 60_000);
  afterAll(() => subject?.close());

  const drain = () => drainJobs(subject.engine);
  const projectExists = async (id: string) =>
    (await subject.handle.db.select().from(projects).where(eq(projects.id, id))).length === 1;

  it('refuses while the project has machines, and while it brought an account, naming them', async () => {
    const { engine, admin } = subject;
    const { machine } = await engine.machines.create(admin, machineOn(site, 'web'));
    await drain();

    const running = await refusal(engine.projects.delete(admin, site.projectId));
    expect(running.code).toBe('CONFLICT');
    expect(running.message).toBe('Project owner still has 1 machine; delete it before the project.');

    await engine.machines.act(admin, machine.id, 'delete');
    await drain();
    const account = await refusal(engine.projects.delete(admin, site.projectId));
    expect(account.code).toBe('CONFLICT');
    expect(account.message).toBe(
      'Project owner brought the provider account "site"; delete it before the project.',
    );
    expect(await projectExists(site.projectId)).toBe(true);
  });

  it('deletes a project whose machines are all deleted, and keeps their events', async () => {
    const { engine, admin } = subject;
    const user = await engine.projects.create(admin, { name: 'borrower' });
    await engine.accounts.associate(admin, site.accountId, user.id);
    const { machine } = await engine.machines.create(admin, {
      projectId: user.id,
      accountId: site.accountId,
      locationId: site.locationId,
      imageId: site.imageId,
      configurationId: site.configurationId,
      name: 'short-lived',
    });
    await drain();
    await engine.machines.act(admin, machine.id, 'delete');
    await drain();

    await engine.projects.delete(admin, user.id);
    expect(await projectExists(user.id)).toBe(false);
    const { db } = subject.handle;
    expect(await db.select().from(machines).where(eq(machines.id, machine.id))).toEqual([]);
    const history = await db.select().from(events).where(eq(events.subjectId, machine.id));
    const summaries = history.map((e) => e.summary);
    expect(summaries.some((s) => s.startsWith('admin asked for machine short-lived'))).toBe(true);
    expect(summaries).toContain('Machine short-lived is DELETED.');
  });
});
