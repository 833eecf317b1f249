import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite, type EngineUnderTest, engineUnderTest, type Site } from '../support/engine-under-test.ts';
import { refusal } from '../support/refusal.ts';

describe.each(TEST_DATABASE_KINDS)('refusals of the less travelled mutations on %s', (kind) => {
  let subject: EngineUnderTest;
  let site: Site;
  const users: Record<string, Awaited<ReturnType<EngineUnderTest['engine']['auth']['login']>>['actor']> = {};

  beforeAll(async () => {
    subject = await engineUnderTest(kind);
    site = await buildSite(subject, { hosts: 1, projectName: 'owned' });
    const { engine, admin } = subject;
    for (const username of ['member', 'viewer', 'stranger']) {
      await engine.users.create(admin, {
        username,
        password: 'a long enough password',
        mustChangePassword: false,
      });
      users[username] = (
        await engine.auth.login({ username, password: 'a long enough password' }, 't')
      ).actor;
    }
    await engine.memberships.add(admin, site.projectId, { username: 'member', role: 'admin' });
    await engine.memberships.add(admin, site.projectId, { username: 'viewer', role: 'viewer' });
  }, 60_000);
  afterAll(() => subject?.close());

  it('lets only platform admins update users', async () => {
    const { engine } = subject;
    const error = await refusal(engine.users.update(users.member!, users.viewer!.userId, { isAdmin: true }));
    expect(error.code).toBe('FORBIDDEN');
    expect((await engine.userQueries.byId(subject.admin, users.viewer!.userId)).isAdmin).toBe(false);
  });

  it('refuses project changes beyond the role, and keeps the project', async () => {
    const { engine } = subject;
    expect(
      (await refusal(engine.projects.update(users.viewer!, site.projectId, { description: 'x' }))).code,
    ).toBe('FORBIDDEN');
    expect((await refusal(engine.projects.delete(users.member!, site.projectId))).code).toBe('FORBIDDEN');
    expect((await refusal(engine.projects.delete(users.stranger!, site.projectId))).code).toBe('NOT_FOUND');
    expect((await engine.projectQueries.byId(subject.admin, site.projectId)).project.description).toBe('');
  });

  it('lets only platform admins change provider visibility, and hides the provider from other projects', async () => {
    const { engine, admin } = subject;
    expect(
      (await refusal(engine.providers.setVisibility(users.member!, site.providerId, 'projects', []))).code,
    ).toBe('FORBIDDEN');
    const strangers = await engine.projectQueries.list(users.stranger!, {});
    const personal = strangers.edges[0]!.node.project.id;
    expect((await engine.providerQueries.list(users.stranger!)).map((p) => p.id)).toContain(site.providerId);
    await engine.providers.setVisibility(admin, site.providerId, 'projects', [site.projectId]);
    expect((await engine.providerQueries.list(users.stranger!)).map((p) => p.id)).not.toContain(
      site.providerId,
    );
    const error = await refusal(
      engine.accounts.add(users.stranger!, {
        projectId: personal,
        providerId: site.providerId,
        name: 'sneaky',
        credentials: { token: 'site-token' },
      }),
    );
    expect(error.code).toBe('NOT_FOUND');
    await engine.providers.setVisibility(admin, site.providerId, 'all', []);
  });

  it('refreshes an account catalog for writers only', async () => {
    const { engine } = subject;
    expect((await refusal(engine.accounts.refreshCatalog(users.viewer!, site.accountId))).code).toBe(
      'FORBIDDEN',
    );
    expect((await refusal(engine.accounts.refreshCatalog(users.stranger!, site.accountId))).code).toBe(
      'NOT_FOUND',
    );
    await engine.accounts.refreshCatalog(users.member!, site.accountId);
    const images = await engine.providerQueries.images(users.viewer!, site.accountId, site.locationId);
    expect(images.map((i) => i.id)).toContain(site.imageId);
  });

  it('lets only platform admins change hosts, with ratios in bounds', async () => {
    const { engine, admin } = subject;
    const [host] = await engine.hostQueries.list(admin, { providerId: site.providerId });
    const hostId = host!.host.id;
    expect((await refusal(engine.hosts.update(users.member!, hostId, { cpuAllocationRatio: 8 }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await refusal(engine.hosts.setMaintenance(users.member!, hostId, true))).code).toBe('FORBIDDEN');
    const bad = await refusal(engine.hosts.update(admin, hostId, { cpuAllocationRatio: 1000 }));
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cpuAllocationRatio' });
    const [after] = await engine.hostQueries.list(admin, { hostId });
    expect(after!.host).toMatchObject({ cpuAllocationRatio: 4, maintenance: false });
  });

  it('refuses a duplicate placement group, an unknown policy, and viewers', async () => {
    const { engine } = subject;
    await engine.placementGroups.create(users.member!, site.projectId, {
      name: 'web',
      policy: 'anti-affinity',
    });
    expect(
      (
        await refusal(
          engine.placementGroups.create(users.member!, site.projectId, { name: 'WEB', policy: 'affinity' }),
        )
      ).code,
    ).toBe('CONFLICT');
    expect(
      (
        await refusal(
          engine.placementGroups.create(users.member!, site.projectId, {
            name: 'x',
            policy: 'sideways' as 'affinity',
          }),
        )
      ).code,
    ).toBe('BAD_USER_INPUT');
    expect(
      (
        await refusal(
          engine.placementGroups.create(users.viewer!, site.projectId, { name: 'y', policy: 'affinity' }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    expect((await engine.placementGroups.list(users.viewer!, site.projectId)).map((g) => g.name)).toEqual([
      'web',
    ]);
  });
});
