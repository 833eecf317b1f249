import { join } from 'node:path';
import { localConnectorFactory } from '@levante/connector-local';
import { events, hosts, jobs, machines, providers } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor } from '@levante/domain';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  drainJobs,
  type EngineUnderTest,
  engineUnderTest,
  FAST_SITE,
  machineOn,
  type Site,
  signedInUser,
} from '../support/engine-under-test.ts';
import { refusal } from '../support/refusal.ts';

/** Machines the site ran before Levante: listed per account, and adopted into a project. */
const EXISTING = [
  { name: 'legacy-web', location: 'paris', host: 'paris-1', image: 'debian-12', configuration: 'small' },
  {
    name: 'Legacy DB',
    location: 'paris',
    host: 'paris-2',
    image: 'debian-12',
    configuration: 'medium',
    state: 'shutoff',
  },
];

describe.each(TEST_DATABASE_KINDS)('adopting machines Levante did not create, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let stranger: Actor;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 2, settings: { existing: EXISTING } });
    stranger = await signedInUser(subject, 'stranger');
  }, 60_000);
  afterAll(() => subject?.close());

  const drain = () => drainJobs(subject.engine);
  const unmanaged = () => subject.engine.adoption.unmanaged(subject.admin, site.projectId, site.accountId);
  const adopt = (ref: string, name?: string) =>
    subject.engine.adoption.adopt(subject.admin, {
      projectId: site.projectId,
      accountId: site.accountId,
      locationId: site.locationId,
      ref,
      name: name ?? null,
    });
  /** The machine as the site itself reports it, over a connection of the account's. */
  const atSite = async (ref: string) => {
    const [provider] = await subject.handle.db
      .select()
      .from(providers)
      .where(eq(providers.id, site.providerId));
    const connector = await localConnectorFactory.connect({
      endpoint: null,
      credentials: { token: FAST_SITE.token },
      settings: provider!.settings,
      dataDir: join(subject.dataDir, 'accounts', site.accountId),
    });
    try {
      return await connector.getMachine({ ref, location: 'paris' });
    } finally {
      await connector.close();
    }
  };
  const hostRow = async (name: string) =>
    (
      await subject.handle.db
        .select()
        .from(hosts)
        .where(and(eq(hosts.providerId, site.providerId), eq(hosts.name, name)))
    )[0]!;

  it('lists the machines the site runs without Levante, and none that Levante manages', async () => {
    const { machine } = await subject.engine.machines.create(
      subject.admin,
      machineOn(site, 'made-by-levante'),
    );
    await drain();
    expect(machine.state).toBe('CREATING');
    const listed = await unmanaged();
    expect(
      listed.map((m) => [m.info.ref, m.info.name, m.info.state, m.configuration?.ref, m.info.hostRef]),
    ).toEqual([
      ['existing-Legacy DB', 'Legacy DB', 'STOPPED', 'medium', 'paris-2'],
      ['existing-legacy-web', 'legacy-web', 'STARTED', 'small', 'paris-1'],
    ]);
    expect(listed.every((m) => m.location.id === site.locationId)).toBe(true);
    expect(
      (await refusal(subject.engine.adoption.unmanaged(stranger, site.projectId, site.accountId))).code,
    ).toBe('NOT_FOUND');
  });

  it('adopts a running machine: it joins the inventory on its host, and can be acted on', async () => {
    const before = await hostRow('paris-1');
    const { machine, host } = await adopt('existing-legacy-web');
    expect(machine).toMatchObject({
      name: 'legacy-web',
      state: 'STARTED',
      providerRef: 'existing-legacy-web',
    });
    expect(machine.addresses).toHaveLength(1);
    expect(host?.name).toBe('paris-1');
    expect((await hostRow('paris-1')).allocatedVcpus).toBe(before.allocatedVcpus + 1);
    const [adopted] = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.subjectId, machine.id), eq(events.type, 'machine.adopted')));
    expect(adopted?.summary).toMatch(/^admin adopted existing-legacy-web as machine legacy-web \(Small\)/);
    expect((await unmanaged()).map((m) => m.info.ref)).toEqual(['existing-Legacy DB']);

    // A worker tags it at the site with its Levante id, as Levante tags the machines it creates.
    expect((await atSite('existing-legacy-web'))?.managedId).toBeNull();
    await drain();
    expect((await atSite('existing-legacy-web'))?.managedId).toBe(machine.id);
    const [tagging] = await subject.handle.db.select().from(jobs).where(eq(jobs.machineId, machine.id));
    expect(tagging).toMatchObject({ kind: 'machine.mark_managed', state: 'succeeded' });

    // Levante manages it now: a stop goes to the provider and comes back.
    await subject.engine.machines.act(subject.admin, machine.id, 'stop');
    await drain();
    const [row] = await subject.handle.db.select().from(machines).where(eq(machines.id, machine.id));
    expect(row?.state).toBe('STOPPED');

    const again = await refusal(adopt('existing-legacy-web', 'twice'));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toBe('Levante already manages existing-legacy-web as machine legacy-web.');
  });

  it("asks for a name when the provider's is not a valid one, and refuses what it cannot adopt", async () => {
    const unnamed = await refusal(adopt('existing-Legacy DB'));
    expect(unnamed.code).toBe('BAD_USER_INPUT');
    expect(unnamed.message).toMatch(/^"Legacy DB" cannot be a machine name .*: give the machine a name\.$/);
    expect((await refusal(adopt('existing-Legacy DB', 'legacy-web'))).code).toBe('CONFLICT');
    expect((await refusal(adopt('no-such-machine', 'ghost'))).code).toBe('NOT_FOUND');

    await subject.engine.quotas.set(subject.admin, site.projectId, {
      machines: 2,
      vcpus: null,
      memoryMiB: null,
      storageGiB: null,
    });
    const over = await refusal(adopt('existing-Legacy DB', 'legacy-db'));
    expect(over.code).toBe('QUOTA_EXCEEDED');
    await subject.engine.quotas.set(subject.admin, site.projectId, {
      machines: null,
      vcpus: null,
      memoryMiB: null,
      storageGiB: null,
    });

    const { machine } = await adopt('existing-Legacy DB', 'legacy-db');
    expect(machine).toMatchObject({ name: 'legacy-db', state: 'STOPPED', vcpus: 2 });
    expect(await unmanaged()).toEqual([]);
  });
});
