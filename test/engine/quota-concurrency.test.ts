import { machines } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { LevanteError } from '@levante/domain';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  type EngineUnderTest,
  engineUnderTest,
  machineOn,
  type Site,
} from '../support/engine-under-test.ts';

describe.each(TEST_DATABASE_KINDS)('quotas under concurrent requests on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject);
  }, 60_000);
  afterAll(() => subject?.close());

  it('lets exactly 10 of 100 simultaneous creates through a quota of 10', async () => {
    const { engine, admin } = subject;
    await engine.quotas.set(admin, site.projectId, {
      machines: 10,
      vcpus: null,
      memoryMiB: null,
      storageGiB: null,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => engine.machines.create(admin, machineOn(site, `burst-${i}`))),
    );
    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refusals = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as LevanteError] : []));
    expect(accepted).toHaveLength(10);
    expect(refusals.every((e) => e instanceof LevanteError && e.code === 'QUOTA_EXCEEDED')).toBe(true);
    const rows = await subject.handle.db
      .select()
      .from(machines)
      .where(eq(machines.projectId, site.projectId));
    expect(rows).toHaveLength(10);
  }, 60_000);
});
