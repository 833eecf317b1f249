import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor } from '@levante/domain';
import type { JobView } from '@levante/engine';
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

describe.each(TEST_DATABASE_KINDS)('browsing jobs, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let faulty: Site;
  let viewer: Actor;
  let stranger: Actor;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 2 });
    // A site whose only host fails every boot: its creates end in ERROR.
    faulty = await buildSite(subject, { hosts: 1, settings: { faults: { failBootOnHosts: ['paris-1'] } } });
    viewer = await signedInUser(subject, 'viewer', { projectId: site.projectId, role: 'viewer' });
    stranger = await signedInUser(subject, 'stranger');
    const { engine, admin } = subject;
    for (const name of ['web-1', 'web-2']) {
      ids[name] = (await engine.machines.create(admin, machineOn(site, name))).machine.id;
    }
    await drainJobs(engine);
    await engine.machines.act(admin, ids['web-1']!, 'stop');
    await drainJobs(engine);
    ids.broken = (await engine.machines.create(admin, machineOn(faulty, 'broken'))).machine.id;
    await drainJobs(engine);
  }, 60_000);
  afterAll(() => subject?.close());

  const list = (
    actor: Actor,
    filter: Parameters<EngineUnderTest['engine']['jobQueries']['list']>[1],
    first = 20,
  ) => subject.engine.jobQueries.list(actor, filter, { first });
  const nodes = (page: { edges: readonly { node: JobView }[] }) => page.edges.map((e) => e.node);
  const brief = (job: JobView) => ({ kind: job.kind, state: job.state, machineName: job.machineName });

  it("lists a project's jobs newest first, with the machine each works on and how it ended", async () => {
    const page = await list(viewer, { projectId: site.projectId });
    expect(page.totalCount).toBe(3);
    expect(nodes(page).map(brief)).toEqual([
      { kind: 'machine.action', state: 'succeeded', machineName: 'web-1' },
      { kind: 'machine.create', state: 'succeeded', machineName: 'web-2' },
      { kind: 'machine.create', state: 'succeeded', machineName: 'web-1' },
    ]);
    expect(nodes(page)[0]).toMatchObject({
      payload: { action: 'stop' },
      progress: 100,
      attempts: 1,
      requestedBy: 'admin',
    });
    expect(nodes(page)[0]!.finishedAt).toBeInstanceOf(Date);
  });

  it('narrows to one machine, to states and to kinds', async () => {
    const ofWeb1 = nodes(await list(viewer, { projectId: site.projectId, machineId: ids['web-1'] }));
    expect(ofWeb1.map((j) => j.kind)).toEqual(['machine.action', 'machine.create']);
    expect(ofWeb1.every((j) => j.machineId === ids['web-1'])).toBe(true);

    const creates = await list(viewer, { projectId: site.projectId, kinds: ['machine.create'] });
    expect(nodes(creates).map((j) => j.machineName)).toEqual(['web-2', 'web-1']);
    expect(
      (await list(viewer, { projectId: site.projectId, states: ['queued', 'running'] })).totalCount,
    ).toBe(0);

    // A job waiting for a worker is listed as queued, the moment its create answers.
    const { job } = await subject.engine.machines.create(subject.admin, machineOn(site, 'web-3'));
    const waiting = nodes(await list(viewer, { projectId: site.projectId, states: ['queued'] }));
    expect(waiting.map((j) => ({ id: j.id, machineName: j.machineName }))).toEqual([
      { id: job.id, machineName: 'web-3' },
    ]);
    await drainJobs(subject.engine);
  });

  it('tells why a job ended badly, on the machine it left in ERROR', async () => {
    const [broken] = nodes(await list(subject.admin, { projectId: faulty.projectId }));
    expect(broken).toMatchObject({ kind: 'machine.create', machineName: 'broken', machineId: ids.broken });
    expect(broken).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('simulated hardware fault'),
    });
    const { machine } = await subject.engine.machineQueries.byId(subject.admin, ids.broken!);
    expect(machine).toMatchObject({ state: 'ERROR', error: broken!.error });
  });

  it('pages with cursors, without losing or repeating a job', async () => {
    const first = await list(viewer, { projectId: site.projectId }, 2);
    expect(first.hasNextPage).toBe(true);
    const rest = await subject.engine.jobQueries.list(
      viewer,
      { projectId: site.projectId },
      { first: 20, after: first.endCursor },
    );
    expect(rest.hasNextPage).toBe(false);
    const all = nodes(await list(viewer, { projectId: site.projectId }));
    expect([...nodes(first), ...nodes(rest)].map((j) => j.id)).toEqual(all.map((j) => j.id));
    expect(all).toHaveLength(4);
  });

  it('shows every project of a platform admin, and only their own projects to others', async () => {
    const everything = await list(subject.admin, {});
    expect(everything.totalCount).toBe(5);
    const mine = await list(viewer, {});
    expect(mine.totalCount).toBe(4);
    expect(nodes(mine).every((j) => j.projectId === site.projectId)).toBe(true);
    expect((await list(stranger, {})).totalCount).toBe(0);
    // Naming a machine of another project does not reach past the caller's projects.
    expect((await list(stranger, { machineId: ids['web-1'] })).totalCount).toBe(0);
  });

  it("refuses another project's jobs as if they did not exist, and bad filters with the reason", async () => {
    const foreign = await refusal(list(stranger, { projectId: site.projectId }));
    expect(foreign.code).toBe('NOT_FOUND');
    const [job] = nodes(await list(viewer, { projectId: site.projectId }, 1));
    const hidden = await refusal(subject.engine.jobQueries.byId(stranger, job!.id));
    expect(hidden).toMatchObject({ code: 'NOT_FOUND', message: 'Job was not found.' });
    expect((await subject.engine.jobQueries.byId(viewer, job!.id)).machineName).toBe(job!.machineName);

    const state = await refusal(list(viewer, { projectId: site.projectId, states: ['done'] }));
    expect(state.code).toBe('BAD_USER_INPUT');
    expect(state.message).toContain('A job state is one of queued, running, succeeded, failed, cancelled.');
    const cursor = await refusal(
      subject.engine.jobQueries.list(viewer, { projectId: site.projectId }, { after: 'nonsense' }),
    );
    expect(cursor.code).toBe('BAD_USER_INPUT');
  });
});
