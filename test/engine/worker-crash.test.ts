import { join } from 'node:path';
import { localConnectorFactory } from '@levante/connector-local';
import { jobs, machines } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  type EngineUnderTest,
  engineUnderTest,
  FAST_SITE,
  machineOn,
  type Site,
} from '../support/engine-under-test.ts';
import { localRegistryWith, untilStopped } from '../support/local-registry-with.ts';

/** The local connector, except that the worker "dies" right after the provider accepted a machine. */
const dyingAfterCreate = localRegistryWith((real) => ({
  createMachine: async (spec, options) => {
    await real.createMachine(spec, options);
    return untilStopped(options.signal);
  },
}));

describe.each(TEST_DATABASE_KINDS)('a worker killed in the middle of a job, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject);
  }, 60_000);
  afterAll(() => subject?.close());

  it('has its job completed exactly once by another worker, without a duplicate machine', async () => {
    const doomed = subject.another({ registry: dyingAfterCreate });
    const { machine } = await doomed.machines.create(subject.admin, machineOn(site, 'survivor'));
    const stuck = doomed.worker.runOnce();
    const accountDir = join(subject.dataDir, 'accounts', site.accountId);
    const listManaged = async () => {
      const connector = await localConnectorFactory.connect({
        endpoint: null,
        credentials: { token: FAST_SITE.token },
        settings: FAST_SITE,
        dataDir: accountDir,
      });
      const found = [];
      for await (const m of connector.listMachines()) if (m.managedId === machine.id) found.push(m);
      await connector.close();
      return found;
    };
    // The provider has the machine; Levante's worker died before it could note its id.
    let created = 0;
    for (let i = 0; i < 100 && created === 0; i++) {
      created = (await listManaged()).length;
      if (!created) await new Promise((r) => setTimeout(r, 50));
    }
    expect(created).toBe(1);
    const [job] = await subject.handle.db.select().from(jobs).where(eq(jobs.machineId, machine.id));
    expect(job).toMatchObject({ state: 'running', attempts: 1 });

    // Its lease runs out; another worker takes the job over.
    await subject.handle.db.execute(
      sql`update jobs set lease_expires_at = now() - interval '1 second' where id = ${job!.id}`,
    );
    const survivor = subject.another();
    const taken = await survivor.worker.runOnce();
    expect(taken?.id).toBe(job!.id);

    const [after] = await subject.handle.db.select().from(machines).where(eq(machines.id, machine.id));
    expect(after).toMatchObject({ state: 'STARTED' });
    const [finished] = await subject.handle.db.select().from(jobs).where(eq(jobs.id, job!.id));
    expect(finished).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(await listManaged()).toHaveLength(1);

    // The first worker, should it wake up, cannot finish the job a second time.
    await doomed.close();
    await stuck;
    const [still] = await subject.handle.db.select().from(jobs).where(eq(jobs.id, job!.id));
    expect(still).toMatchObject({ state: 'succeeded', attempts: 2 });
  }, 60_000);
});
