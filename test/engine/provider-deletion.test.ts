import { events, hosts, providers } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor } from '@levante/domain';
import { eq } from 'drizzle-orm';
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

describe.each(TEST_DATABASE_KINDS)('deleting a provider, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let member: Actor;
  let providerName: string;
  let formerMachine: string;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 2 });
    member = await signedInUser(subject, 'member', { projectId: site.projectId, role: 'owner' });
    providerName = (await subject.engine.providerQueries.byId(subject.admin, site.providerId)).name;
    const { machine } = await subject.engine.machines.create(subject.admin, machineOn(site, 'former'));
    await drainJobs(subject.engine);
    await subject.engine.machines.act(subject.admin, machine.id, 'delete');
    await drainJobs(subject.engine);
    formerMachine = machine.id;
  }, 60_000);
  afterAll(() => subject?.close());

  const providerRow = async () =>
    (await subject.handle.db.select().from(providers).where(eq(providers.id, site.providerId)))[0]!;
  const hostCount = async () =>
    (await subject.handle.db.select().from(hosts).where(eq(hosts.providerId, site.providerId))).length;

  it('is refused while a project has an account on it, and changes nothing', async () => {
    const refused = await refusal(subject.engine.providers.delete(subject.admin, site.providerId));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toBe(
      `Provider ${providerName} still has 1 account; the projects that brought it must delete it first.`,
    );
    expect(await providerRow()).toMatchObject({ deletedAt: null, settings: FAST_SITE });
    expect(await hostCount()).toBe(2);
  });

  it('is for platform admins only', async () => {
    const refused = await refusal(subject.engine.providers.delete(member, site.providerId));
    expect(refused.code).toBe('FORBIDDEN');
    expect((await providerRow()).deletedAt).toBeNull();
  });

  it('deletes a provider without accounts and its hosts; deleted machines still name it', async () => {
    await subject.engine.accounts.delete(subject.admin, site.accountId);
    const deleted = await subject.engine.providers.delete(subject.admin, site.providerId);
    expect(deleted.id).toBe(site.providerId);

    // Out of every list and choice, its hosts gone, its settings (a site's secrets) cleared.
    const listed = await subject.engine.providerQueries.list(subject.admin);
    expect(listed.map((p) => p.id)).not.toContain(site.providerId);
    expect((await refusal(subject.engine.providerQueries.byId(subject.admin, site.providerId))).code).toBe(
      'NOT_FOUND',
    );
    expect(await hostCount()).toBe(0);
    expect(await providerRow()).toMatchObject({ settings: {}, deletedAt: expect.any(Date) });
    const [event] = await subject.handle.db
      .select()
      .from(events)
      .where(eq(events.subjectId, site.providerId))
      .orderBy(events.id)
      .then((rows) => rows.filter((e) => e.type === 'provider.deleted'));
    expect(event?.summary).toBe(`Provider ${providerName} (local) was deleted, with its 2 hosts.`);

    // The history of what ran there keeps its provider and location.
    const history = await subject.engine.machineQueries.byId(subject.admin, formerMachine);
    expect(history.machine.state).toBe('DELETED');
    expect(history.provider.name).toBe(providerName);
    expect(history.location.ref).toBe('paris');
  });

  it('refuses what would use a deleted provider (NOT_FOUND), and frees its name', async () => {
    const gone = (work: Promise<unknown>) => refusal(work).then((error) => error.code);
    expect(await gone(subject.engine.providers.delete(subject.admin, site.providerId))).toBe('NOT_FOUND');
    expect(
      await gone(subject.engine.providers.update(subject.admin, site.providerId, { name: 'revived' })),
    ).toBe('NOT_FOUND');
    expect(
      await gone(
        subject.engine.accounts.add(subject.admin, {
          projectId: site.projectId,
          providerId: site.providerId,
          name: 'again',
          credentials: { token: FAST_SITE.token },
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await gone(
        subject.engine.hosts.register(subject.admin, {
          providerId: site.providerId,
          location: 'paris',
          name: 'paris-9',
          hypervisor: 'kvm',
          vcpus: 8,
          memoryMiB: 8192,
          diskGiB: 100,
        }),
      ),
    ).toBe('NOT_FOUND');

    const successor = await subject.engine.providers.register(subject.admin, {
      kind: 'local',
      name: providerName,
      settings: FAST_SITE,
    });
    expect(successor.id).not.toBe(site.providerId);
  });
});
