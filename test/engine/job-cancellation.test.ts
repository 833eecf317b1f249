import { events, jobs } from '@levante/db';
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

describe.each(TEST_DATABASE_KINDS)('cancelling a job that waits, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let member: Actor;
  let viewer: Actor;
  let stranger: Actor;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 1 });
    member = await signedInUser(subject, 'member', { projectId: site.projectId, role: 'member' });
    viewer = await signedInUser(subject, 'viewer', { projectId: site.projectId, role: 'viewer' });
    stranger = await signedInUser(subject, 'stranger');
  }, 60_000);
  afterAll(() => subject?.close());

  const machine = async (id: string) => (await subject.engine.machineQueries.byId(member, id)).machine;
  const job = (id: string) => subject.engine.jobQueries.byId(member, id);
  const allocatedVcpus = async () => {
    const [view] = await subject.engine.hostQueries.list(subject.admin, { providerId: site.providerId });
    return view!.host.allocatedVcpus;
  };
  const eventsOf = (jobId: string, type: string) =>
    subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.subjectId, jobId), eq(events.type, type)));
  const started = async (name: string) => {
    const { machine: row } = await subject.engine.machines.create(member, machineOn(site, name));
    await drainJobs(subject.engine);
    return row.id;
  };
  const setDownHosts = (downHosts: string[] | null) =>
    subject.engine.providers.update(subject.admin, site.providerId, { settings: { faults: { downHosts } } });

  it('cancels a create before any worker took it: the machine is gone, its capacity and name free again', async () => {
    const before = await allocatedVcpus();
    const created = await subject.engine.machines.create(member, machineOn(site, 'never'));
    expect(await allocatedVcpus()).toBeGreaterThan(before);

    const asked = await subject.engine.jobs.cancel(member, created.job.id);
    expect(asked).toMatchObject({ state: 'queued', cancelReason: 'Cancelled by member.' });
    const [requested] = await eventsOf(created.job.id, 'job.cancel_requested');
    expect(requested?.summary).toBe('member cancelled the job "Create the machine" of machine never.');

    await drainJobs(subject.engine);
    expect(await job(created.job.id)).toMatchObject({ state: 'cancelled', error: 'Cancelled by member.' });
    expect(await machine(created.machine.id)).toMatchObject({ state: 'DELETED', error: null });
    expect(await allocatedVcpus()).toBe(before);
    expect((await eventsOf(created.job.id, 'job.cancelled')).map((e) => e.summary)).toEqual([
      'Job "Create the machine" did not run: Cancelled by member.',
    ]);
    const again = await subject.engine.machines.create(member, machineOn(site, 'never'));
    await drainJobs(subject.engine);
    expect((await machine(again.machine.id)).state).toBe('STARTED');
  });

  it('cancels an action before any worker took it: the machine stays as it was, and the provider is never asked', async () => {
    const id = await started('unmoved');
    const { job: stop } = await subject.engine.machines.act(member, id, 'stop');
    expect((await machine(id)).state).toBe('STOPPING');
    await subject.engine.jobs.cancel(member, stop.id);
    await drainJobs(subject.engine);
    expect(await job(stop.id)).toMatchObject({ state: 'cancelled', error: 'Cancelled by member.' });
    expect(await machine(id)).toMatchObject({ state: 'STARTED', error: null });
    // The provider agrees: it still runs the machine.
    await subject.engine.accounts.reconcile(subject.admin, site.accountId);
    expect((await machine(id)).state).toBe('STARTED');
  });

  it("cancels an action waiting for a retry, then reads the machine's real state from the provider", async () => {
    const id = await started('steady');
    await setDownHosts(['paris-1']);
    await drainJobs(subject.engine);
    const { job: stop } = await subject.engine.machines.act(member, id, 'stop');
    await subject.engine.worker.runOnce();
    const waiting = await job(stop.id);
    expect(waiting).toMatchObject({ state: 'queued', attempts: 1 });
    expect(waiting.error).toBeTruthy();
    expect((await machine(id)).state).toBe('STOPPING');

    await subject.engine.jobs.cancel(member, stop.id);
    await drainJobs(subject.engine);
    expect(await job(stop.id)).toMatchObject({ state: 'cancelled', error: 'Cancelled by member.' });
    // The provider may have acted: the machine went to ERROR with who cancelled, then was read
    // from the provider at once, where the stop never happened (its host is down).
    const history = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.subjectId, id), eq(events.type, 'machine.state_changed')))
      .orderBy(events.id);
    expect(history.slice(-2).map((e) => [e.after?.state, e.after?.error])).toEqual([
      ['ERROR', 'Cancelled by member.'],
      ['STARTED', null],
    ]);
    expect(await machine(id)).toMatchObject({ state: 'STARTED', error: null });
    await setDownHosts(null);
  });

  it('refuses a finished job, and changes nothing', async () => {
    const { job: finished } = await subject.engine.machines.create(member, machineOn(site, 'done'));
    await drainJobs(subject.engine);
    const done = await refusal(subject.engine.jobs.cancel(member, finished.id));
    expect(done.code).toBe('INVALID_STATE');
    expect(done.message).toBe(
      'The job "Create the machine" has finished (succeeded); there is nothing left to cancel.',
    );
    const [row] = await subject.handle.db.select().from(jobs).where(eq(jobs.id, finished.id));
    expect(row).toMatchObject({ state: 'succeeded', cancelReason: null });
    expect(await eventsOf(finished.id, 'job.cancel_requested')).toHaveLength(0);
  });

  it('stops a running job at its next look at the provider; the machine shows its real state once it has one', async () => {
    // A site whose machines take seconds to boot: the create job waits for it, running.
    const slow = await buildSite(subject, { hosts: 1, settings: { bootDelayMs: 3_000 } });
    const { admin } = subject;
    const { machine: created, job: create } = await subject.engine.machines.create(
      admin,
      machineOn(slow, 'slow'),
    );
    const worker = subject.another();
    worker.worker.start();
    try {
      const stateOf = async () => (await subject.engine.jobQueries.byId(admin, create.id)).state;
      await expect.poll(stateOf, { timeout: 10_000 }).toBe('running');
      expect((await subject.engine.jobs.cancel(admin, create.id)).cancelReason).toBe('Cancelled by admin.');
      await expect.poll(stateOf, { timeout: 10_000 }).toBe('cancelled');
      expect((await eventsOf(create.id, 'job.cancelled')).map((e) => e.summary)).toEqual([
        'Job "Create the machine" stopped at the provider\'s next look: Cancelled by admin.',
      ]);
      // Still booting at the provider: ERROR with who cancelled it, and Levante knows the machine.
      const cancelled = (await subject.engine.machineQueries.byId(admin, created.id)).machine;
      expect(cancelled).toMatchObject({ state: 'ERROR', error: 'Cancelled by admin.' });
      expect(cancelled.providerRef).toBeTruthy();
      // Once booted, the reconciler reads it STARTED.
      await expect
        .poll(
          async () => {
            await subject.engine.accounts.reconcile(admin, slow.accountId);
            return (await subject.engine.machineQueries.byId(admin, created.id)).machine.state;
          },
          { timeout: 15_000, interval: 250 },
        )
        .toBe('STARTED');
    } finally {
      await worker.worker.stop();
    }
  }, 30_000);

  it("refuses viewers, and answers NOT_FOUND for another project's job", async () => {
    const { job: waiting } = await subject.engine.machines.create(member, machineOn(site, 'contested'));
    const forbidden = await refusal(subject.engine.jobs.cancel(viewer, waiting.id));
    expect(forbidden.code).toBe('FORBIDDEN');
    const hidden = await refusal(subject.engine.jobs.cancel(stranger, waiting.id));
    expect(hidden).toMatchObject({ code: 'NOT_FOUND', message: 'Job was not found.' });
    const unknown = await refusal(subject.engine.jobs.cancel(member, '00000000-0000-4000-8000-000000000000'));
    expect(unknown.code).toBe('NOT_FOUND');
    expect((await job(waiting.id)).cancelReason).toBeNull();

    // Asked twice, the second answers the job as it stands: one request on record.
    await subject.engine.jobs.cancel(member, waiting.id);
    expect(await subject.engine.jobs.cancel(subject.admin, waiting.id)).toMatchObject({
      cancelReason: 'Cancelled by member.',
    });
    expect(await eventsOf(waiting.id, 'job.cancel_requested')).toHaveLength(1);
    await drainJobs(subject.engine);
    expect((await job(waiting.id)).state).toBe('cancelled');
  });
});
