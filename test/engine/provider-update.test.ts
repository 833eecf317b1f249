import { events, providers } from '@levante/db';
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
  machineRunBy,
  type Site,
  signedInUser,
} from '../support/engine-under-test.ts';
import { refusal } from '../support/refusal.ts';

describe.each(TEST_DATABASE_KINDS)('changing a provider, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let member: Actor;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 1 });
    await buildSite(subject, { hosts: 0 }).then(async (other) =>
      subject.engine.providers.update(subject.admin, other.providerId, { name: 'taken-name' }),
    );
    member = await signedInUser(subject, 'member', { projectId: site.projectId, role: 'owner' });
  }, 60_000);
  afterAll(() => subject?.close());

  const provider = async () =>
    (await subject.handle.db.select().from(providers).where(eq(providers.id, site.providerId)))[0]!;
  const run = (worker: EngineUnderTest['engine'], name: string) => machineRunBy(subject, site, worker, name);

  it('renames it, with an event; a name in use is refused and changes nothing', async () => {
    const renamed = await subject.engine.providers.update(subject.admin, site.providerId, {
      name: 'Paris lab',
    });
    expect(renamed.name).toBe('Paris lab');
    const [recorded] = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.type, 'provider.updated'), eq(events.subjectId, site.providerId)));
    expect(recorded?.summary).toMatch(/^Provider Paris lab was changed: renamed from site-/);

    const taken = await refusal(
      subject.engine.providers.update(subject.admin, site.providerId, { name: 'taken-name' }),
    );
    expect(taken).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect((await provider()).name).toBe('Paris lab');
  });

  it('refuses settings its connector does not accept, and keeps the ones it has', async () => {
    const before = await provider();
    const refused = await refusal(
      subject.engine.providers.update(subject.admin, site.providerId, {
        settings: { bootDelayMs: -5 },
      }),
    );
    expect(refused.code).toBe('BAD_USER_INPUT');
    expect(refused.field).toMatch(/^settings/);
    expect((await provider()).settings).toEqual(before.settings);
  });

  it('reconnects every process with new settings: the next machines meet the new site', async () => {
    // A worker beside this engine, already connected to the account.
    const worker = subject.another();
    expect(await run(worker, 'before')).toMatchObject({ state: 'STARTED' });

    // A merge patch: what it names changes, the rest (the token, the delays) stays.
    await subject.engine.providers.update(subject.admin, site.providerId, {
      settings: { faults: { failBootOnHosts: ['paris-1'] } },
    });
    expect((await provider()).settings).toMatchObject({
      ...FAST_SITE,
      faults: { failBootOnHosts: ['paris-1'] },
    });
    const failed = await run(worker, 'after');
    expect(failed.state).toBe('ERROR');
    expect(failed.error).toContain('simulated hardware fault');

    await subject.engine.providers.update(subject.admin, site.providerId, {
      settings: { faults: { failBootOnHosts: null } },
    });
    expect(await run(worker, 'healed')).toMatchObject({ state: 'STARTED' });
  });

  it("reads every account's catalog again with new settings, in a job, with an event", async () => {
    const configurations = async () =>
      (
        await subject.engine.providerQueries.configurations(subject.admin, site.accountId, site.locationId)
      ).map((c) => c.ref);
    expect(await configurations()).not.toContain('tiny');
    const offered = await subject.engine.providerQueries.configurations(
      subject.admin,
      site.accountId,
      site.locationId,
    );
    await subject.engine.providers.update(subject.admin, site.providerId, {
      settings: {
        configurations: [
          ...offered.map(({ ref, name, vcpus, memoryMiB, diskGiB }) => ({
            ref,
            name,
            vcpus,
            memoryMiB,
            diskGiB,
          })),
          { ref: 'tiny', name: 'Tiny', vcpus: 1, memoryMiB: 512, diskGiB: 5 },
        ],
      },
    });
    // Nothing changes until a worker has run the refresh.
    expect(await configurations()).not.toContain('tiny');
    await drainJobs(subject.engine);
    expect(await configurations()).toContain('tiny');
    const [refreshed] = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.type, 'account.catalog_refreshed'), eq(events.subjectId, site.accountId)));
    expect(refreshed).toMatchObject({ actorId: null, projectId: site.projectId });
    expect(refreshed?.summary).toMatch(/^The catalog of "site" was read again after Paris lab changed: /);
  });

  it('keeps the catalog and says why when the provider refuses the account under the new settings', async () => {
    await subject.engine.providers.update(subject.admin, site.providerId, { settings: { token: 'rotated' } });
    await drainJobs(subject.engine);
    const [failed] = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.type, 'account.catalog_refresh_failed'), eq(events.subjectId, site.accountId)));
    expect(failed?.summary).toMatch(
      /^The catalog of "site" could not be read again after Paris lab changed: Paris lab: /,
    );
    const configurations = await subject.engine.providerQueries.configurations(
      subject.admin,
      site.accountId,
      site.locationId,
    );
    expect(configurations.map((c) => c.ref)).toContain('tiny');
    await subject.engine.providers.update(subject.admin, site.providerId, {
      settings: { token: FAST_SITE.token },
    });
    await drainJobs(subject.engine);
  });

  it('is for platform admins only, and says when the provider does not exist', async () => {
    const refused = await refusal(
      subject.engine.providers.update(member, site.providerId, { name: 'mine now' }),
    );
    expect(refused.code).toBe('FORBIDDEN');
    expect((await provider()).name).toBe('Paris lab');
    const unknown = await refusal(
      subject.engine.providers.update(subject.admin, '00000000-0000-4000-8000-000000000000', {
        name: 'ghost',
      }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
  });
});
