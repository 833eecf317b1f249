import { apiTokens, type Database, sessions, type UserRow, users } from '@levante/db';
import { type Actor, unauthenticated, usernameSchema, validate } from '@levante/domain';
import { and, eq, getTableColumns, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import { batchedLookup } from '../batching/batcher.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { decoyPasswordHash, verifyPassword } from './password-hasher.ts';
import { API_TOKEN_PREFIX, hashToken, newSecretToken, SESSION_PREFIX } from './secret-token.ts';

export const SESSION_TTL_MS = 7 * 24 * 3600_000;
/** Last-used times are written at most this often, so reads do not turn into writes. */
const TOUCH_INTERVAL_MS = 60_000;

const loginSchema = z.object({
  username: usernameSchema,
  password: z.string().min(1, 'Enter your password.').max(256, 'This password is too long.'),
});

/** A user as every request reads it with its credential: all but the password hash. */
const { passwordHash: _, ...profileColumns } = getTableColumns(users);
export type UserProfile = Omit<UserRow, 'passwordHash'>;

/** The caller, and their user record read in the same query (so `me` costs nothing more). */
export interface Authenticated {
  readonly actor: Actor;
  readonly user: UserProfile;
}

export interface LoginResult {
  readonly actor: Actor;
  readonly token: string;
  readonly expiresAt: Date;
}

export class Authentication {
  // Every request runs one of these two. Prepared once, they skip building and planning the SQL again;
  // the lookups of requests that arrive together share one statement.
  readonly #sessionByHash;
  readonly #apiTokenByHash;

  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly throttle: LoginThrottle,
    private readonly now: () => Date = () => new Date(),
  ) {
    const sessionsByHash = db
      .select({
        id: sessions.id,
        tokenHash: sessions.tokenHash,
        expiresAt: sessions.expiresAt,
        lastUsedAt: sessions.lastUsedAt,
        user: profileColumns,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(sql`${sessions.tokenHash} = any(${sql.placeholder('hashes')})`)
      .prepare('levante_sessions_by_hash');
    const apiTokensByHash = db
      .select({
        id: apiTokens.id,
        tokenHash: apiTokens.tokenHash,
        revokedAt: apiTokens.revokedAt,
        expiresAt: apiTokens.expiresAt,
        lastUsedAt: apiTokens.lastUsedAt,
        user: profileColumns,
      })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(sql`${apiTokens.tokenHash} = any(${sql.placeholder('hashes')})`)
      .prepare('levante_api_tokens_by_hash');
    this.#sessionByHash = batchedLookup(
      (hashes: string[]) => sessionsByHash.execute({ hashes }),
      (row) => row.tokenHash,
    );
    this.#apiTokenByHash = batchedLookup(
      (hashes: string[]) => apiTokensByHash.execute({ hashes }),
      (row) => row.tokenHash,
    );
  }

  /** Checks a password and opens a session. `client` is the caller's address, for throttling. */
  async login(input: { username: string; password: string }, client: string): Promise<LoginResult> {
    await this.throttle.assertAllowed(client);
    const { username, password } = validate(loginSchema, input);
    const [user] = await this.db.select().from(users).where(eq(users.username, username));
    const valid = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), password);
    if (!user || !valid) {
      await this.throttle.recordFailure(client);
      throw unauthenticated('The username or password is wrong.');
    }
    if (user.disabledAt) throw unauthenticated('This account is disabled. Ask a platform admin.');
    const token = newSecretToken(SESSION_PREFIX);
    const expiresAt = new Date(this.now().getTime() + SESSION_TTL_MS);
    const actor = await this.uow.run(async (tx, record) => {
      await tx.delete(sessions).where(and(eq(sessions.userId, user.id), lt(sessions.expiresAt, this.now())));
      const [row] = await tx
        .insert(sessions)
        .values({ userId: user.id, tokenHash: hashToken(token), expiresAt })
        .returning({ id: sessions.id });
      const opened: Actor = {
        userId: user.id,
        username: user.username,
        isAdmin: user.isAdmin,
        mustChangePassword: user.mustChangePassword,
        credential: { kind: 'session', id: row!.id },
      };
      await record({
        type: 'session.started',
        actor: opened,
        projectId: null,
        subjectType: 'Session',
        subjectId: row!.id,
        summary: `${user.username} logged in.`,
      });
      return opened;
    });
    return { token, expiresAt, actor };
  }

  /** Ends the caller's session; its live subscriptions end with it (the event tells them). */
  async logout(actor: Actor): Promise<void> {
    if (actor.credential.kind !== 'session') return;
    const sessionId = actor.credential.id;
    await this.uow.run(async (tx, record) => {
      const ended = await tx
        .delete(sessions)
        .where(eq(sessions.id, sessionId))
        .returning({ id: sessions.id });
      if (ended.length === 0) return;
      await record({
        type: 'session.ended',
        actor,
        projectId: null,
        subjectType: 'Session',
        subjectId: sessionId,
        summary: `${actor.username} logged out.`,
      });
    });
  }

  /** Resolves a session or API token to the actor it stands for, or throws UNAUTHENTICATED. */
  async authenticate(token: string): Promise<Actor> {
    return (await this.authenticateWithProfile(token)).actor;
  }

  async authenticateWithProfile(token: string): Promise<Authenticated> {
    if (token.startsWith(SESSION_PREFIX)) return this.#fromSession(token);
    if (token.startsWith(API_TOKEN_PREFIX)) return this.#fromApiToken(token);
    throw unauthenticated('This token is not valid.');
  }

  async #fromSession(token: string): Promise<Authenticated> {
    const row = await this.#sessionByHash.submit(hashToken(token));
    const now = this.now();
    if (!row) throw unauthenticated('Your session has ended. Log in again.');
    if (row.expiresAt <= now) throw unauthenticated('Your session has expired. Log in again.');
    if (row.user.disabledAt) throw unauthenticated('This account is disabled. Ask a platform admin.');
    if (now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await this.db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, row.id));
    }
    return { actor: { ...actorOf(row.user), credential: { kind: 'session', id: row.id } }, user: row.user };
  }

  async #fromApiToken(token: string): Promise<Authenticated> {
    const row = await this.#apiTokenByHash.submit(hashToken(token));
    const now = this.now();
    if (!row) throw unauthenticated('This API token is not valid.');
    if (row.revokedAt) throw unauthenticated('This API token has been revoked.');
    if (row.expiresAt && row.expiresAt <= now) throw unauthenticated('This API token has expired.');
    if (row.user.disabledAt) throw unauthenticated('This account is disabled. Ask a platform admin.');
    const lastUsed = row.lastUsedAt?.getTime() ?? 0;
    if (now.getTime() - lastUsed > TOUCH_INTERVAL_MS) {
      await this.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
    }
    return { actor: { ...actorOf(row.user), credential: { kind: 'apiToken', id: row.id } }, user: row.user };
  }
}

function actorOf(user: {
  id: string;
  username: string;
  isAdmin: boolean;
  mustChangePassword: boolean;
}): Omit<Actor, 'credential'> {
  return {
    userId: user.id,
    username: user.username,
    isAdmin: user.isAdmin,
    mustChangePassword: user.mustChangePassword,
  };
}
