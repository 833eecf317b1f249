import { sessions } from '@levante/db';
import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../packages/engine/src/identity/secret-token.ts';
import { dataOf, errorCode, eventually, gql, subscribe, wsClient } from '../support/graphql-client.ts';
import { ADMIN_PASSWORD, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';

const LOGIN = `mutation Login($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { token user { id username mustChangePassword } } }`;
const CREATE_USER = `mutation CreateUser($input: CreateUserInput!) { createUser(input: $input) { user { id username } oneTimePassword } }`;
const CREATE_PROJECT = `mutation CreateProject($name: String!) { createProject(input: { name: $name }) { project { id name myRole } } }`;
const ADD_MEMBER = `mutation Add($p: ID!, $u: String!, $r: ProjectRole!) { addMember(input: { projectId: $p, username: $u, role: $r }) { membership { role user { username } } } }`;
const MEMBERS = `query Members($id: ID!) { project(id: $id) { name members { totalCount edges { node { role user { id username } } } } } }`;
const EVENTS_SUBSCRIPTION = `subscription Watch($id: ID) { events(projectId: $id) { type summary actorName } }`;

type Id = { id: string };

describe.each(TEST_DATABASE_KINDS)(
  'users, projects, members, tokens and activity through the API on %s',
  (kind) => {
    let levante: LevanteUnderTest;
    let adminToken: string;
    const tokens: Record<string, string> = {};
    const userIds: Record<string, string> = {};
    let projectId: string;

    const call = <T = Record<string, unknown>>(
      query: string,
      variables: Record<string, unknown>,
      as?: string,
    ) => gql<T>(levante.url, query, variables, { token: as });
    const login = async (username: string, password: string) => {
      const result = dataOf(
        await call<{ login: { token: string; user: Id } }>(LOGIN, { u: username, p: password }),
      );
      userIds[username] = result.login.user.id;
      return result.login.token;
    };

    beforeAll(async () => {
      levante = await levanteUnderTest(kind);
      adminToken = await login('admin', ADMIN_PASSWORD);
      for (const username of ['alice', 'bob', 'carol']) {
        dataOf(
          await call(
            CREATE_USER,
            { input: { username, password: `${username} has a long password`, mustChangePassword: false } },
            adminToken,
          ),
        );
        tokens[username] = await login(username, `${username} has a long password`);
      }
    }, 60_000);
    afterAll(() => levante?.destroy());

    it('logs a browser in with an HTTP-only session cookie, and out again', async () => {
      const response = await fetch(`${levante.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: LOGIN, variables: { u: 'alice', p: 'alice has a long password' } }),
      });
      const setCookie = response.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/^levante_session=lvs_[\w-]+;/);
      expect(setCookie).toContain('HttpOnly');
      expect(setCookie).toContain('SameSite=Lax');
      const cookie = setCookie.split(';')[0]!;
      const me = await gql<{ me: { username: string } }>(levante.url, '{ me { username } }', {}, { cookie });
      expect(dataOf(me).me.username).toBe('alice');
      const logout = await gql<{ logout: boolean }>(levante.url, 'mutation { logout }', {}, { cookie });
      expect(dataOf(logout).logout).toBe(true);
      expect(logout.headers.get('set-cookie')).toContain('Max-Age=0');
      const after = await gql(levante.url, '{ me { username } }', {}, { cookie });
      expect(errorCode(after)).toBe('UNAUTHENTICATED');
      expect(after.errors?.[0]?.message).toMatch(/session has ended/);
    });

    it('writes each login and logout to the platform activity, which only platform admins read', async () => {
      const session = await login('carol', 'carol has a long password');
      dataOf(await call('mutation { logout }', {}, session));
      const EVENTS = '{ events(first: 100) { edges { node { type summary subjectId } } } }';
      type Events = { events: { edges: { node: { type: string; summary: string; subjectId: string } }[] } };
      const seen = dataOf(await call<Events>(EVENTS, {}, adminToken)).events.edges.map((e) => e.node);
      const carols = seen.filter((e) => e.type.startsWith('session.') && e.summary.startsWith('carol '));
      expect(carols.slice(0, 2).map((e) => [e.type, e.summary])).toEqual([
        ['session.ended', 'carol logged out.'],
        ['session.started', 'carol logged in.'],
      ]);
      expect(carols[0]!.subjectId).toBe(carols[1]!.subjectId);
      const asCarol = dataOf(await call<Events>(EVENTS, {}, tokens.carol)).events.edges.map((e) => e.node);
      expect(asCarol.filter((e) => e.type.startsWith('session.'))).toEqual([]);
    });

    it('refuses a wrong password and anonymous calls, without stack traces', async () => {
      const wrong = await call(LOGIN, { u: 'alice', p: 'not the password' });
      expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
      expect(wrong.errors?.[0]?.message).toBe('The username or password is wrong.');
      const anonymous = await call('{ projects { totalCount } }', {});
      expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(anonymous.errors)).not.toMatch(/stacktrace|\.ts:\d+/);
    });

    it('lets an owner build a team with roles, and shows members to each of them', async () => {
      const created = dataOf(
        await call<{ createProject: { project: Id & { myRole: string } } }>(
          CREATE_PROJECT,
          { name: 'Atlas' },
          tokens.alice,
        ),
      );
      projectId = created.createProject.project.id;
      expect(created.createProject.project.myRole).toBe('OWNER');
      dataOf(await call(ADD_MEMBER, { p: projectId, u: 'bob', r: 'VIEWER' }, tokens.alice));
      const members = dataOf(
        await call<{
          project: {
            members: { totalCount: number; edges: { node: { role: string; user: { username: string } } }[] };
          };
        }>(MEMBERS, { id: projectId }, tokens.bob),
      );
      expect(members.project.members.edges.map((e) => [e.node.user.username, e.node.role])).toEqual([
        ['alice', 'OWNER'],
        ['bob', 'VIEWER'],
      ]);
    });

    it('refuses, with the right code and without change: viewer adding, duplicates, bad input, last owner', async () => {
      const membersBefore = JSON.stringify(dataOf(await call(MEMBERS, { id: projectId }, tokens.alice)));

      const viewerAdds = await call(ADD_MEMBER, { p: projectId, u: 'carol', r: 'MEMBER' }, tokens.bob);
      expect(errorCode(viewerAdds)).toBe('FORBIDDEN');
      expect(viewerAdds.errors?.[0]?.message).toMatch(/viewer.*does not allow you to manage members/);

      const duplicateProject = await call(CREATE_PROJECT, { name: 'ATLAS' }, tokens.carol);
      expect(errorCode(duplicateProject)).toBe('CONFLICT');
      expect(duplicateProject.errors?.[0]?.extensions?.field).toBe('name');

      const duplicateUser = await call(CREATE_USER, { input: { username: 'Alice' } }, adminToken);
      expect(errorCode(duplicateUser)).toBe('CONFLICT');

      const longName = await call(CREATE_PROJECT, { name: 'x'.repeat(10_000) }, tokens.carol);
      expect(errorCode(longName)).toBe('BAD_USER_INPUT');
      expect(longName.errors?.[0]).toMatchObject({
        message: 'A project name can have at most 64 characters.',
        extensions: { field: 'name' },
      });

      const malformed = await call(ADD_MEMBER, { p: 'not-an-id', u: 'carol', r: 'MEMBER' }, tokens.alice);
      expect(errorCode(malformed)).toBe('BAD_USER_INPUT');
      expect(malformed.errors?.[0]?.extensions?.field).toBe('projectId');

      const wrongType = await call(MEMBERS, { id: userIds.alice }, tokens.alice);
      expect(errorCode(wrongType)).toBe('BAD_USER_INPUT');

      const lastOwner = await call(
        'mutation R($p: ID!, $u: ID!) { removeMember(input: { projectId: $p, userId: $u }) { removedUserId } }',
        { p: projectId, u: userIds.alice },
        tokens.alice,
      );
      expect(errorCode(lastOwner)).toBe('CONFLICT');
      expect(lastOwner.errors?.[0]?.message).toMatch(/needs at least one owner/);

      expect(JSON.stringify(dataOf(await call(MEMBERS, { id: projectId }, tokens.alice)))).toBe(
        membersBefore,
      );
      const projects = dataOf(
        await call<{ projects: { totalCount: number } }>('{ projects { totalCount } }', {}, tokens.carol),
      );
      expect(projects.projects.totalCount).toBe(1);
    });

    it('hides project A from a member of project B, by query, by guessed ID and by subscription', async () => {
      const guessed = await call(MEMBERS, { id: projectId }, tokens.carol);
      expect(errorCode(guessed)).toBe('NOT_FOUND');
      const events = await call(
        'query E($id: ID) { events(projectId: $id) { totalCount } }',
        { id: projectId },
        tokens.carol,
      );
      expect(errorCode(events)).toBe('NOT_FOUND');
      const client = wsClient(levante.url, { token: tokens.carol });
      const sub = subscribe(client, EVENTS_SUBSCRIPTION, { id: projectId });
      await sub.done;
      expect(JSON.stringify(sub.errors)).toContain('NOT_FOUND');
      expect(sub.received).toHaveLength(0);
      await client.dispose();
    });

    it('streams the activity of a project live, and ends the stream of a member who is removed', async () => {
      const client = wsClient(levante.url, { token: tokens.bob });
      const sub = subscribe<{ events: { type: string; summary: string; actorName: string } }>(
        client,
        EVENTS_SUBSCRIPTION,
        { id: projectId },
      );
      // The subscription is live once a change made after it shows up.
      await eventually(() => {
        void call(
          'mutation U($id: ID!) { updateProject(input: { id: $id, description: "ping" }) { project { id } } }',
          { id: projectId },
          tokens.alice,
        );
        return sub.received.length > 0;
      }, 'the first event');
      dataOf(await call(ADD_MEMBER, { p: projectId, u: 'carol', r: 'MEMBER' }, tokens.alice));
      await eventually(
        () => sub.received.some((e) => e.events.type === 'membership.added'),
        'membership.added',
      );
      expect(sub.received.find((e) => e.events.type === 'membership.added')?.events).toMatchObject({
        actorName: 'alice',
        summary: 'alice added carol to Atlas as member.',
      });
      dataOf(
        await call(
          'mutation R($p: ID!, $u: ID!) { removeMember(input: { projectId: $p, userId: $u }) { removedUserId } }',
          { p: projectId, u: userIds.bob },
          tokens.alice,
        ),
      );
      await sub.done;
      expect(JSON.stringify(sub.errors)).toContain('no longer have access');
      expect(sub.received.at(-1)?.events.type).toBe('membership.removed');
      await client.dispose();
    });

    it("ends a session's live streams when it logs out, and when it expires", async () => {
      // A second session of carol's, watching the activity of her personal project.
      const session = await login('carol', 'carol has a long password');
      const { projects } = dataOf(
        await call<{ projects: { edges: { node: { id: string; personal: boolean } }[] } }>(
          '{ projects { edges { node { id personal } } } }',
          {},
          session,
        ),
      );
      const personal = projects.edges.find((e) => e.node.personal)!.node.id;
      const client = wsClient(levante.url, { token: session });
      const sub = subscribe<{ events: { type: string } }>(client, EVENTS_SUBSCRIPTION, { id: personal });
      await eventually(() => {
        void call(
          'mutation U($id: ID!) { updateProject(input: { id: $id, description: "ping" }) { project { id } } }',
          { id: personal },
          session,
        );
        return sub.received.length > 0;
      }, 'the first event');
      dataOf(await call('mutation { logout }', {}, session));
      await sub.done;
      expect(JSON.stringify(sub.errors)).toContain('UNAUTHENTICATED');
      await client.dispose();

      // A session that expires in a second: its stream ends then, with no event to say so.
      const short = await login('carol', 'carol has a long password');
      await levante
        .running!.database.db.update(sessions)
        .set({ expiresAt: sql`now() + interval '1 second'` })
        .where(eq(sessions.tokenHash, hashToken(short)));
      const expiring = wsClient(levante.url, { token: short });
      const ending = subscribe(expiring, EVENTS_SUBSCRIPTION, { id: personal });
      await ending.done;
      expect(JSON.stringify(ending.errors)).toMatch(/UNAUTHENTICATED|4403/);
      await expiring.dispose();
      // carol's first session, which was not touched, still works.
      expect(
        dataOf(await call<{ me: { username: string } }>('{ me { username } }', {}, tokens.carol)).me.username,
      ).toBe('carol');
    });

    it('refuses a WebSocket with a bad token, and an anonymous subscription', async () => {
      const bad = wsClient(levante.url, { token: 'lvt_forged' });
      const refused = subscribe(bad, EVENTS_SUBSCRIPTION, {});
      await refused.done;
      expect(refused.errors[0]).toMatchObject({ code: 4403 });
      await bad.dispose();
      const anonymous = wsClient(levante.url);
      const sub = subscribe(anonymous, EVENTS_SUBSCRIPTION, {});
      await sub.done;
      expect(JSON.stringify(sub.errors)).toContain('UNAUTHENTICATED');
      await anonymous.dispose();
    });

    it('creates an API token shown once, and refuses it once revoked', async () => {
      const created = dataOf(
        await call<{ createApiToken: { token: string; apiToken: Id & { prefix: string } } }>(
          'mutation { createApiToken(input: { name: "ci" }) { token apiToken { id prefix } } }',
          {},
          tokens.carol,
        ),
      );
      const { token, apiToken } = created.createApiToken;
      expect(token.startsWith(apiToken.prefix)).toBe(true);
      const listed = JSON.stringify(
        dataOf(await call('{ apiTokens { edges { node { id name prefix } } } }', {}, tokens.carol)),
      );
      expect(listed).toContain('"ci"');
      expect(listed).not.toContain(token);
      expect(
        dataOf(await call<{ me: { username: string } }>('{ me { username } }', {}, token)).me.username,
      ).toBe('carol');
      dataOf(
        await call(
          'mutation R($id: ID!) { revokeApiToken(input: { id: $id }) { apiToken { revokedAt } } }',
          { id: apiToken.id },
          tokens.carol,
        ),
      );
      const revoked = await call('{ me { username } }', {}, token);
      expect(errorCode(revoked)).toBe('UNAUTHENTICATED');
      expect(revoked.errors?.[0]?.message).toMatch(/revoked/);
    });

    it('refuses operations beyond the alias and size limits (depth and cost: see limits.test.ts)', async () => {
      const within = '{ projects { edges { node { members { edges { node { user { id } } } } } } } }';
      expect(dataOf(await call(within, {}, tokens.alice))).toBeTruthy();
      const aliases = `{ ${Array.from({ length: 20 }, (_, i) => `m${i}: me { id }`).join(' ')} }`;
      const aliased = await call(aliases, {}, tokens.alice);
      expect(errorCode(aliased)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(aliased.errors?.[0]?.message).toMatch(/Too many aliases/);
      const big = await fetch(`${levante.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(2 * 1024 * 1024)}` }),
      });
      expect(big.status).toBe(413);
    });

    it('keeps everything across a restart: users, projects, members, tokens, events', async () => {
      await levante.stop();
      await levante.start();
      const members = dataOf(
        await call<{ project: { members: { edges: { node: { user: { username: string } } }[] } } }>(
          MEMBERS,
          { id: projectId },
          tokens.alice,
        ),
      );
      expect(members.project.members.edges.map((e) => e.node.user.username)).toEqual(['alice', 'carol']);
      const events = dataOf(
        await call<{ events: { totalCount: number; edges: { node: { type: string } }[] } }>(
          'query E($id: ID) { events(projectId: $id, first: 50) { totalCount edges { node { type } } } }',
          { id: projectId },
          tokens.alice,
        ),
      );
      expect(events.events.edges.map((e) => e.node.type)).toEqual(
        expect.arrayContaining(['project.created', 'membership.added', 'membership.removed']),
      );
      expect(
        dataOf(await call<{ me: { username: string } }>('{ me { username } }', {}, adminToken)).me.username,
      ).toBe('admin');
    });

    it('throttles repeated failed logins from one address', async () => {
      let last = await call(LOGIN, { u: 'carol', p: 'wrong password' });
      for (let i = 0; i < 12 && errorCode(last) !== 'RATE_LIMITED'; i++)
        last = await call(LOGIN, { u: 'carol', p: 'wrong password' });
      expect(errorCode(last)).toBe('RATE_LIMITED');
      const evenRight = await call(LOGIN, { u: 'carol', p: 'carol has a long password' });
      expect(errorCode(evenRight)).toBe('RATE_LIMITED');
      expect(evenRight.errors?.[0]?.message).toMatch(/Try again in \d+ seconds/);
    });
  },
);
