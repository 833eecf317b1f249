import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  type EngineUnderTest,
  engineUnderTest,
  machineOn,
  type Site,
} from '../support/engine-under-test.ts';

/** Far longer than the test may take: only a wakeup gets the job run in time. */
const IDLE_POLL_MS = 10 * 60_000;

describe.each(TEST_DATABASE_KINDS)('a worker in another process, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 1 });
  }, 60_000);
  afterAll(() => subject?.close());

  const stateOf = async (id: string) =>
    (await subject.engine.machineQueries.byId(subject.admin, id)).machine.state;

  it('hears of the jobs the API enqueued and runs them at once, not at its next poll', async () => {
    const worker = subject.another({ worker: { idlePollMs: IDLE_POLL_MS } });
    worker.worker.start();
    // Its first look found nothing: it now waits for work, or for its next poll.
    await new Promise((resolve) => setTimeout(resolve, 100));

    const { machine } = await subject.engine.machines.create(subject.admin, machineOn(site, 'woken'));
    await expect.poll(() => stateOf(machine.id), { timeout: 15_000 }).toBe('STARTED');

    // A person's action too.
    await subject.engine.machines.act(subject.admin, machine.id, 'stop');
    await expect.poll(() => stateOf(machine.id), { timeout: 15_000 }).toBe('STOPPED');
  }, 40_000);

  it('hears of a cancellation and gives up on the job at once, though its retry was not due for long', async () => {
    const worker = subject.another({ worker: { idlePollMs: IDLE_POLL_MS } });
    worker.worker.start();
    const { machine } = await subject.engine.machines.create(subject.admin, machineOn(site, 'doomed'));
    await expect.poll(() => stateOf(machine.id), { timeout: 15_000 }).toBe('STARTED');
    await subject.engine.providers.update(subject.admin, site.providerId, {
      settings: { faults: { downHosts: ['paris-1'] } },
    });
    const { job } = await subject.engine.machines.act(subject.admin, machine.id, 'stop');
    // Its first attempt failed; the retry waits, and so does the idle worker.
    await expect
      .poll(
        async () => {
          const { state, attempts } = await subject.engine.jobQueries.byId(subject.admin, job.id);
          return { state, attempts };
        },
        { timeout: 15_000 },
      )
      .toEqual({ state: 'queued', attempts: 1 });
    await subject.engine.jobs.cancel(subject.admin, job.id);
    await expect
      .poll(async () => (await subject.engine.jobQueries.byId(subject.admin, job.id)).state, {
        timeout: 15_000,
      })
      .toBe('cancelled');
    // Read from the provider once the job ended: the stop never reached it.
    await expect.poll(() => stateOf(machine.id), { timeout: 15_000 }).toBe('STARTED');
  }, 40_000);
});
