import { jobs } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  drainJobs,
  type EngineUnderTest,
  engineUnderTest,
  machineOn,
  type Site,
} from '../support/engine-under-test.ts';

const DAY_MS = 86_400_000;

describe.each(TEST_DATABASE_KINDS)('removing old jobs, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 1 });
  }, 60_000);
  afterAll(() => subject?.close());

  const finishedDaysAgo = (jobId: string, days: number) =>
    subject.handle.db.execute(
      sql`update jobs set finished_at = now() - ${`${days} days`}::interval where id = ${jobId}`,
    );
  const stillThere = async (jobId: string) =>
    (await subject.handle.db.select({ id: jobs.id }).from(jobs).where(eq(jobs.id, jobId))).length === 1;

  it('removes the jobs that ended before the retention, and keeps recent and unfinished ones', async () => {
    const { engine, admin } = subject;
    const ended: string[] = [];
    for (const name of ['old-1', 'old-2', 'recent']) {
      ended.push((await engine.machines.create(admin, machineOn(site, name))).job.id);
    }
    await drainJobs(engine);
    await finishedDaysAgo(ended[0]!, 31);
    await finishedDaysAgo(ended[1]!, 400);
    await finishedDaysAgo(ended[2]!, 29);
    // Created long ago and never run (no worker took it): not finished, so kept.
    const { job: waiting } = await engine.machines.create(admin, machineOn(site, 'waiting'));
    await subject.handle.db.execute(
      sql`update jobs set created_at = now() - interval '100 days' where id = ${waiting.id}`,
    );

    const keeping30Days = subject.another({ jobRetentionMs: 30 * DAY_MS });
    expect(await keeping30Days.jobRetention.purge()).toBe(2);
    expect(await stillThere(ended[0]!)).toBe(false);
    expect(await stillThere(ended[1]!)).toBe(false);
    expect(await stillThere(ended[2]!)).toBe(true);
    expect(await stillThere(waiting.id)).toBe(true);
    // The machines and their history stay.
    const page = await engine.events.list(
      admin,
      { projectId: site.projectId, types: ['machine.created'] },
      {
        first: 10,
      },
    );
    expect(page.totalCount).toBe(4);

    // Kept for ever: nothing goes.
    await finishedDaysAgo(ended[2]!, 4000);
    expect(await subject.another({ jobRetentionMs: 0 }).jobRetention.purge()).toBe(0);
    expect(await stillThere(ended[2]!)).toBe(true);
  });

  it('runs by itself in workers, at start', async () => {
    const { job } = await subject.engine.machines.create(subject.admin, machineOn(site, 'aged'));
    await drainJobs(subject.engine);
    await finishedDaysAgo(job.id, 60);
    const worker = subject.another({ jobRetentionMs: 30 * DAY_MS });
    worker.startWork();
    await expect.poll(() => stillThere(job.id), { timeout: 10_000 }).toBe(false);
  });
});
