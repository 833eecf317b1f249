import { events, providerAccounts } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { Actor } from '@levante/domain';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSite,
  type EngineUnderTest,
  engineUnderTest,
  FAST_SITE,
  machineRunBy,
  type Site,
  signedInUser,
} from '../support/engine-under-test.ts';
import { localRegistryWith } from '../support/local-registry-with.ts';
import { refusal } from '../support/refusal.ts';

/** A site whose listings show none of the account's machines: credentials of another account. */
const elsewhere = localRegistryWith(() => ({
  listMachines: async function* () {},
}));

describe.each(TEST_DATABASE_KINDS)('changing a provider account, on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  let viewer: Actor;
  let stranger: Actor;

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 1 });
    await subject.engine.accounts.add(subject.admin, {
      projectId: site.projectId,
      providerId: site.providerId,
      name: 'other',
      credentials: { token: FAST_SITE.token },
    });
    viewer = await signedInUser(subject, 'viewer', { projectId: site.projectId, role: 'viewer' });
    stranger = await signedInUser(subject, 'stranger');
  }, 60_000);
  afterAll(() => subject?.close());

  const account = async () =>
    (
      await subject.handle.db.select().from(providerAccounts).where(eq(providerAccounts.id, site.accountId))
    )[0]!;
  const run = (worker: EngineUnderTest['engine'], name: string) => machineRunBy(subject, site, worker, name);

  it('renames it, with an event; a name the project uses is refused and changes nothing', async () => {
    const renamed = await subject.engine.accounts.update(subject.admin, site.accountId, { name: 'paris' });
    expect(renamed.name).toBe('paris');
    const [recorded] = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.type, 'account.updated'), eq(events.subjectId, site.accountId)));
    expect(recorded).toMatchObject({
      projectId: site.projectId,
      summary: 'admin changed the account "paris": renamed from "site".',
      after: { name: 'paris', reconnect: false },
    });
    const taken = await refusal(
      subject.engine.accounts.update(subject.admin, site.accountId, { name: 'Other' }),
    );
    expect(taken).toMatchObject({ code: 'CONFLICT', field: 'name' });
    const empty = await refusal(subject.engine.accounts.update(subject.admin, site.accountId, { name: ' ' }));
    expect(empty).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect((await account()).name).toBe('paris');
  });

  it('takes rotated credentials once the provider accepts them, and every process reconnects with them', async () => {
    const worker = subject.another();
    expect(await run(worker, 'before')).toMatchObject({ state: 'STARTED' });
    // The site rotates its token: the account's credentials no longer open it.
    await subject.engine.providers.update(subject.admin, site.providerId, { settings: { token: 'rotated' } });
    expect(await run(worker, 'during')).toMatchObject({ state: 'ERROR' });

    const stored = (await account()).credentials;
    const wrong = await refusal(
      subject.engine.accounts.update(subject.admin, site.accountId, { credentials: { token: 'guessed' } }),
    );
    expect(wrong).toMatchObject({ code: 'BAD_USER_INPUT', field: 'credentials' });
    expect(wrong.message).toMatch(/refused these credentials/);
    const malformed = await refusal(
      subject.engine.accounts.update(subject.admin, site.accountId, { credentials: { key: 'x' } }),
    );
    expect(malformed.code).toBe('BAD_USER_INPUT');
    expect((await account()).credentials).toBe(stored);

    await subject.engine.accounts.update(subject.admin, site.accountId, {
      credentials: { token: 'rotated' },
    });
    const after = await account();
    expect(after.credentials).not.toBe(stored);
    expect(after.credentials).not.toContain('rotated');
    // The other process had a connection with the old token: it opened a new one.
    expect(await run(worker, 'after')).toMatchObject({ state: 'STARTED' });
    const [recorded] = await subject.handle.db
      .select()
      .from(events)
      .where(and(eq(events.type, 'account.updated'), eq(events.subjectId, site.accountId)))
      .orderBy(events.id)
      .then((rows) => rows.slice(-1));
    expect(recorded).toMatchObject({
      summary: 'admin changed the account "paris": new credentials.',
      after: { reconnect: true },
    });
    expect(JSON.stringify(recorded)).not.toContain('rotated');
  });

  it("refuses credentials that do not reach the account's machines, naming them", async () => {
    const cut = subject.another({ registry: elsewhere });
    const refused = await refusal(
      cut.accounts.update(subject.admin, site.accountId, { credentials: { token: 'rotated' } }),
    );
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'credentials' });
    expect(refused.message).toMatch(
      /^These credentials do not reach 2 of this account's machines \((before, after|after, before)\)/,
    );
  });

  it('is for those who may change the account: a viewer is FORBIDDEN, a stranger and an unknown id NOT_FOUND', async () => {
    expect(
      (await refusal(subject.engine.accounts.update(viewer, site.accountId, { name: 'mine' }))).code,
    ).toBe('FORBIDDEN');
    expect(
      (await refusal(subject.engine.accounts.update(stranger, site.accountId, { name: 'mine' }))).code,
    ).toBe('NOT_FOUND');
    const unknown = await refusal(
      subject.engine.accounts.update(subject.admin, '00000000-0000-4000-8000-000000000000', { name: 'x' }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    expect((await account()).name).toBe('paris');
  });
});
