import { type Database, type UserRow, users } from '@levante/db';
import { type Actor, notFound } from '@levante/domain';
import { and, asc, count, eq, gt, ilike, or, type SQL, sql } from 'drizzle-orm';
import { decodeCursor, type Page, type PageArgs, pageSize, toPage } from '../pagination.ts';
import { assertPlatformAdmin } from '../projects/project-access.ts';

export class UserQueries {
  /** Asked on most page loads: prepared once. */
  readonly #byId;

  constructor(private readonly db: Database) {
    this.#byId = db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder('id')))
      .prepare('levante_user_by_id');
  }

  /** The caller's own record; allowed even while a password change is pending. */
  async me(actor: Actor): Promise<UserRow> {
    const [user] = await this.#byId.execute({ id: actor.userId });
    if (!user) throw notFound('User');
    return user;
  }

  async list(actor: Actor, args: PageArgs & { search?: string | null }): Promise<Page<UserRow>> {
    assertPlatformAdmin(actor);
    const size = pageSize(args);
    const filters: SQL[] = [];
    const search = args.search?.trim().slice(0, 100);
    if (search) {
      const pattern = `%${search.replace(/[\\%_]/g, '\\$&')}%`;
      filters.push(or(ilike(users.username, pattern), ilike(users.displayName, pattern))!);
    }
    const where = and(...filters);
    const after = args.after ? (decodeCursor(args.after, ['string'])[0] as string) : null;
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(users)
        .where(and(where, after === null ? undefined : gt(users.username, after)))
        .orderBy(asc(users.username))
        .limit(size + 1),
      this.db.select({ n: count() }).from(users).where(where),
    ]);
    return toPage(
      rows,
      size,
      total?.n ?? 0,
      (u) => [u.username],
      (u) => u,
    );
  }

  async byId(actor: Actor, userId: string): Promise<UserRow> {
    if (userId !== actor.userId) assertPlatformAdmin(actor);
    const [user] = await this.db.select().from(users).where(eq(users.id, userId));
    if (!user) throw notFound('User');
    return user;
  }
}
