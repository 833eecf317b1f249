import { memberships, projects } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import type { LevanteEvent } from '@levante/domain';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, type Harness, openHarness } from './harness.ts';

describe.each(TEST_DATABASE_KINDS)('projects, members and events on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(kind);
  });
  afterAll(() => h?.close());

  const memberCount = async (projectId: string) =>
    (
      await h.handle.db.select({ n: count() }).from(memberships).where(eq(memberships.projectId, projectId))
    )[0]!.n;

  it('makes the creator owner and refuses a name already taken, whatever its case', async () => {
    const alice = await h.user('alice');
    const project = await h.engine.projects.create(alice, { name: 'Apollo', description: 'moon' });
    const seen = await h.engine.projectQueries.byId(alice, project.id);
    expect(seen.role).toBe('owner');
    await expectError(h.engine.projects.create(alice, { name: 'apollo' }), 'CONFLICT', /already exists/);
    await expectError(
      h.engine.projects.create(alice, { name: 'a'.repeat(65) }),
      'BAD_USER_INPUT',
      /at most 64/,
    );
    await expectError(h.engine.projects.create(alice, { name: '<script>' }), 'BAD_USER_INPUT');
  });

  it('applies the role table: a viewer cannot add members, an admin cannot grant owner', async () => {
    const owner = await h.user('olga');
    const viewer = await h.user('victor');
    const admin = await h.user('adam');
    await h.user('mia');
    const project = await h.engine.projects.create(owner, { name: 'roles' });
    await h.engine.memberships.add(owner, project.id, { username: 'victor', role: 'viewer' });
    await h.engine.memberships.add(owner, project.id, { username: 'adam', role: 'admin' });
    const before = await memberCount(project.id);
    await expectError(
      h.engine.memberships.add(viewer, project.id, { username: 'mia', role: 'member' }),
      'FORBIDDEN',
      /role "viewer" in project "roles" does not allow you to manage members/,
    );
    await expectError(
      h.engine.memberships.add(admin, project.id, { username: 'mia', role: 'owner' }),
      'FORBIDDEN',
      /owner role/,
    );
    expect(await memberCount(project.id)).toBe(before);
    await h.engine.memberships.add(admin, project.id, { username: 'mia', role: 'member' });
    await expectError(
      h.engine.memberships.add(admin, project.id, { username: 'mia', role: 'viewer' }),
      'CONFLICT',
      /already a member/,
    );
    await expectError(
      h.engine.memberships.add(owner, project.id, { username: 'ghost', role: 'viewer' }),
      'NOT_FOUND',
      /ghost/,
    );
    const members = await h.engine.membershipQueries.list(viewer, project.id, {});
    expect(members.edges.map((e) => [e.node.user.username, e.node.membership.role])).toEqual([
      ['adam', 'admin'],
      ['mia', 'member'],
      ['olga', 'owner'],
      ['victor', 'viewer'],
    ]);
  });

  it('never removes or demotes the last owner', async () => {
    const owner = await h.user('paul');
    const project = await h.engine.projects.create(owner, { name: 'solo' });
    await expectError(
      h.engine.memberships.remove(owner, project.id, owner.userId),
      'CONFLICT',
      /at least one owner/,
    );
    await expectError(
      h.engine.memberships.changeRole(owner, project.id, owner.userId, 'member'),
      'CONFLICT',
      /at least one owner/,
    );
    expect((await h.engine.projectQueries.byId(owner, project.id)).role).toBe('owner');
  });

  it('lets exactly one of two owners demote themselves when both try at once', async () => {
    const a = await h.user('quinn');
    const b = await h.user('rita');
    const project = await h.engine.projects.create(a, { name: 'duo' });
    await h.engine.memberships.add(a, project.id, { username: 'rita', role: 'owner' });
    const results = await Promise.allSettled([
      h.engine.memberships.changeRole(a, project.id, a.userId, 'member'),
      h.engine.memberships.changeRole(b, project.id, b.userId, 'member'),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(refused?.reason).toMatchObject({ code: 'CONFLICT' });
    const owners = await h.engine.membershipQueries.list(a, project.id, {}).catch(() => null);
    const roles = (owners ?? (await h.engine.membershipQueries.list(b, project.id, {}))).edges.map(
      (e) => e.node.membership.role,
    );
    expect(roles.filter((r) => r === 'owner')).toHaveLength(1);
  });

  it('hides projects from non-members as if they did not exist', async () => {
    const owner = await h.user('sam');
    const outsider = await h.user('tina');
    const project = await h.engine.projects.create(owner, { name: 'secret' });
    await expectError(h.engine.projectQueries.byId(outsider, project.id), 'NOT_FOUND');
    await expectError(h.engine.events.list(outsider, { projectId: project.id }, {}), 'NOT_FOUND');
    await expectError(h.engine.eventSubscriptions.open(outsider, { projectId: project.id }), 'NOT_FOUND');
    await expectError(h.engine.membershipQueries.list(outsider, project.id, {}), 'NOT_FOUND');
    const listed = await h.engine.projectQueries.list(outsider, { first: 100 });
    expect(listed.edges.map((e) => e.node.project.name)).not.toContain('secret');
    const events = await h.engine.events.list(outsider, {}, { first: 100 });
    expect(events.edges.every((e) => e.node.projectId !== project.id)).toBe(true);
    const adminView = await h.engine.projectQueries.byId(h.admin, project.id);
    expect(adminView.role).toBeNull();
  });

  it('pages through projects with cursors', async () => {
    const pager = await h.user('uma');
    for (const name of ['p-1', 'p-2', 'p-3', 'p-4']) await h.engine.projects.create(pager, { name });
    const first = await h.engine.projectQueries.list(pager, { first: 2 });
    expect(first.totalCount).toBe(5);
    expect(first.hasNextPage).toBe(true);
    const second = await h.engine.projectQueries.list(pager, { first: 2, after: first.endCursor });
    const third = await h.engine.projectQueries.list(pager, { first: 2, after: second.endCursor });
    const names = [...first.edges, ...second.edges, ...third.edges].map((e) => e.node.project.name);
    expect(names).toEqual(['p-1', 'p-2', 'p-3', 'p-4', 'uma']);
    expect(third.hasNextPage).toBe(false);
    await expectError(h.engine.projectQueries.list(pager, { after: 'garbage' }), 'BAD_USER_INPUT', /cursor/);
    await expectError(h.engine.projectQueries.list(pager, { first: 1000 }), 'BAD_USER_INPUT', /at most 100/);
  });

  it('records every change as an event in the same transaction, and keeps a personal project', async () => {
    const owner = await h.user('walt');
    const project = await h.engine.projects.create(owner, { name: 'audited' });
    await h.engine.memberships.add(owner, project.id, { username: 'uma', role: 'viewer' });
    await h.engine.projects.update(owner, project.id, { description: 'now described' });
    const page = await h.engine.events.list(owner, { projectId: project.id }, {});
    expect(page.edges.map((e) => e.node.type)).toEqual([
      'project.updated',
      'membership.added',
      'membership.added',
      'project.created',
    ]);
    expect(page.edges[0]!.node).toMatchObject({
      actorName: 'walt',
      before: { description: '' },
      after: { description: 'now described' },
    });
    const filtered = await h.engine.events.list(
      owner,
      { projectId: project.id, types: ['project.created'] },
      {},
    );
    expect(filtered.totalCount).toBe(1);
    const personal = (await h.engine.projectQueries.list(owner, {})).edges.find(
      (e) => e.node.project.personalOf,
    );
    await expectError(h.engine.projects.delete(owner, personal!.node.project.id), 'CONFLICT', /personal/);
    await h.engine.projects.delete(owner, project.id);
    const left = await h.handle.db.select().from(projects).where(eq(projects.id, project.id));
    expect(left).toHaveLength(0);
  });

  it('streams live events only to those who may see them, and ends a stream when access is lost', async () => {
    const owner = await h.user('xena');
    const member = await h.user('yuri');
    const project = await h.engine.projects.create(owner, { name: 'live' });
    const other = await h.engine.projects.create(owner, { name: 'elsewhere' });
    await h.engine.memberships.add(owner, project.id, { username: 'yuri', role: 'viewer' });
    const stream = await h.engine.eventSubscriptions.open(member, { projectId: project.id });
    const received: LevanteEvent[] = [];
    const done = (async () => {
      try {
        for await (const event of stream) received.push(event);
        return null;
      } catch (error) {
        return error as Error;
      }
    })();
    await h.engine.projects.update(owner, other.id, { description: 'not for yuri' });
    await h.engine.projects.update(owner, project.id, { description: 'for yuri' });
    await h.engine.memberships.remove(owner, project.id, member.userId);
    await h.engine.projects.update(owner, project.id, { description: 'after yuri left' });
    const error = await done;
    expect(error?.message).toMatch(/no longer have access/);
    expect(received.map((e) => [e.type, e.after?.description ?? null])).toEqual([
      ['project.updated', 'for yuri'],
      ['membership.removed', null],
    ]);
  });
});
