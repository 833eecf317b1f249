import { sessions, users } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { count, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../event-bus/in-process-event-bus.ts';
import { expectError, type Harness, openHarness, PASSWORD } from './harness.ts';

describe.each(TEST_DATABASE_KINDS)('identity on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(kind);
  });
  afterAll(() => h?.close());

  const userCount = async () => (await h.handle.db.select({ n: count() }).from(users))[0]!.n;

  it('creates the first admin only once', async () => {
    expect(await h.engine.ensureFirstAdmin(undefined)).toBeNull();
    const me = await h.engine.userQueries.me(h.admin);
    expect(me).toMatchObject({ username: 'admin', isAdmin: true, mustChangePassword: false });
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    await expectError(
      h.engine.auth.login({ username: 'admin', password: 'wrong password!' }, 'c1'),
      'UNAUTHENTICATED',
      /username or password is wrong/,
    );
    await expectError(
      h.engine.auth.login({ username: 'nobody', password: PASSWORD }, 'c1'),
      'UNAUTHENTICATED',
      /username or password is wrong/,
    );
  });

  it('throttles repeated failed logins from one address, not from others', async () => {
    for (let i = 0; i < 5; i++) {
      await expectError(
        h.engine.auth.login({ username: 'admin', password: 'nope-nope' }, 'attacker'),
        'UNAUTHENTICATED',
      );
    }
    await expectError(
      h.engine.auth.login({ username: 'admin', password: PASSWORD }, 'attacker'),
      'RATE_LIMITED',
      /Try again in \d+ seconds/,
    );
    await expect(
      h.engine.auth.login({ username: 'admin', password: PASSWORD }, 'someone-else'),
    ).resolves.toBeTruthy();
  });

  it('gives a new user a one-time password that must be changed before anything else', async () => {
    const { user, oneTimePassword } = await h.engine.users.create(h.admin, { username: 'Carol' });
    expect(user.username).toBe('carol');
    expect(oneTimePassword).toMatch(/^\w{5}-\w{5}-\w{5}-\w{5}$/);
    const { actor } = await h.engine.auth.login({ username: 'carol', password: oneTimePassword! }, 'c');
    expect(actor.mustChangePassword).toBe(true);
    await expectError(
      h.engine.projects.create(actor, { name: 'carol-work' }),
      'FORBIDDEN',
      /change your password/,
    );
    await expectError(
      h.engine.users.changePassword(actor, {
        currentPassword: 'not it',
        newPassword: 'a brand new password',
      }),
      'BAD_USER_INPUT',
      /current password is wrong/,
    );
    await expectError(
      h.engine.users.changePassword(actor, { currentPassword: oneTimePassword!, newPassword: 'short' }),
      'BAD_USER_INPUT',
      /at least 12/,
    );
    const changed = await h.engine.users.changePassword(actor, {
      currentPassword: oneTimePassword!,
      newPassword: 'a brand new password',
    });
    expect(changed.mustChangePassword).toBe(false);
    const again = await h.engine.auth.login({ username: 'carol', password: 'a brand new password' }, 'c');
    await expect(h.engine.projects.create(again.actor, { name: 'carol-work' })).resolves.toMatchObject({
      name: 'carol-work',
    });
  });

  it('ends the other sessions when a password changes', async () => {
    const first = await h.user('dave');
    const second = (await h.engine.auth.login({ username: 'dave', password: PASSWORD }, 'c')).actor;
    await h.engine.users.changePassword(second, {
      currentPassword: PASSWORD,
      newPassword: 'another long password',
    });
    const remaining = await h.handle.db.select().from(sessions).where(eq(sessions.userId, first.userId));
    expect(remaining.map((s) => s.id)).toEqual([second.credential.id]);
  });

  it('lets only platform admins create users, and refuses duplicates and bad names', async () => {
    const erin = await h.user('erin');
    const before = await userCount();
    await expectError(h.engine.users.create(erin, { username: 'mallory' }), 'FORBIDDEN', /platform admins/);
    await expectError(h.engine.users.create(h.admin, { username: 'ERIN' }), 'CONFLICT', /already exists/);
    await expectError(
      h.engine.users.create(h.admin, { username: 'x'.repeat(41) }),
      'BAD_USER_INPUT',
      /at most 40/,
    );
    await expectError(h.engine.users.create(h.admin, { username: 'bad name!' }), 'BAD_USER_INPUT');
    expect(await userCount()).toBe(before);
  });

  it('gives every user a personal project, choosing a free name when needed', async () => {
    const owner = await h.user('frank');
    await h.engine.projects.create(owner, { name: 'grace' });
    const grace = await h.user('grace');
    const page = await h.engine.projectQueries.list(grace, {});
    expect(page.edges.map((e) => [e.node.project.name, e.node.role])).toEqual([['grace-personal', 'owner']]);
    expect(page.edges[0]!.node.project.personalOf).toBe(grace.userId);
  });

  it('disables accounts: sessions end and login is refused; the last admin stays', async () => {
    const heidi = await h.user('heidi');
    await h.engine.users.update(h.admin, heidi.userId, { disabled: true });
    await expectError(h.engine.auth.authenticate('lvs_unknown'), 'UNAUTHENTICATED');
    await expectError(
      h.engine.auth.login({ username: 'heidi', password: PASSWORD }, 'c'),
      'UNAUTHENTICATED',
      /disabled/,
    );
    await expectError(
      h.engine.users.update(h.admin, h.admin.userId, { isAdmin: false }),
      'CONFLICT',
      /your own/,
    );
  });

  it('creates, uses, lists and revokes API tokens, shown only once', async () => {
    const ivan = await h.user('ivan');
    const { token, apiToken } = await h.engine.apiTokens.create(ivan, { name: 'ci' });
    expect(token.startsWith('lvt_')).toBe(true);
    expect(apiToken.tokenHash).not.toContain(token);
    const actor = await h.engine.auth.authenticate(token);
    expect(actor).toMatchObject({ userId: ivan.userId, credential: { kind: 'apiToken', id: apiToken.id } });
    await expectError(h.engine.apiTokens.create(ivan, { name: 'ci' }), 'CONFLICT', /already have/);
    const listed = await h.engine.apiTokens.list(ivan, {});
    expect(listed.edges.map((e) => e.node.name)).toEqual(['ci']);
    expect((await h.engine.apiTokens.list(h.admin, {})).edges).toHaveLength(0);
    await expectError(h.engine.apiTokens.revoke(h.admin, apiToken.id), 'NOT_FOUND');
    await h.engine.apiTokens.revoke(ivan, apiToken.id);
    await expectError(h.engine.auth.authenticate(token), 'UNAUTHENTICATED', /revoked/);
  });

  it('refuses an expired API token', async () => {
    const judy = await h.user('judy');
    const { token } = await h.engine.apiTokens.create(judy, { name: 'short', expiresInDays: 1 });
    await expect(h.engine.auth.authenticate(token)).resolves.toBeTruthy();
    const { Authentication } = await import('../identity/authentication.ts');
    const { MemoryLoginThrottle } = await import('../identity/login-throttle.ts');
    const { UnitOfWork } = await import('../unit-of-work.ts');
    const tomorrow = new Authentication(
      h.handle.db,
      new UnitOfWork(h.handle.db, new InProcessEventBus(), pino({ level: 'silent' })),
      new MemoryLoginThrottle(),
      () => new Date(Date.now() + 2 * 86_400_000),
    );
    await expectError(tomorrow.authenticate(token), 'UNAUTHENTICATED', /expired/);
  });

  it('resets a lost password from the command line', async () => {
    await h.user('ken');
    const password = await h.engine.users.resetPassword('ken');
    const { actor } = await h.engine.auth.login({ username: 'ken', password }, 'c');
    expect(actor.mustChangePassword).toBe(true);
    await expectError(h.engine.users.resetPassword('nobody'), 'NOT_FOUND', /nobody/);
  });
});
