import { type Database, type MembershipRow, memberships, type UserRow, users } from '@levante/db';
import { type Actor, notFound } from '@levante/domain';
import { and, asc, count, eq } from 'drizzle-orm';
import { decodeCursor, keysetAfter, type Page, type PageArgs, pageSize, toPage } from '../pagination.ts';
import { authorizeProject } from './project-access.ts';

export interface Member {
  readonly membership: MembershipRow;
  readonly user: UserRow;
}

export class MembershipQueries {
  constructor(private readonly db: Database) {}

  async list(actor: Actor, projectId: string, args: PageArgs): Promise<Page<Member>> {
    await authorizeProject(this.db, actor, projectId, 'member.read');
    const size = pageSize(args);
    const inProject = eq(memberships.projectId, projectId);
    const after = args.after ? decodeCursor(args.after, ['string']) : null;
    const [rows, [total]] = await Promise.all([
      this.db
        .select({ membership: memberships, user: users })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(inProject, after ? keysetAfter([users.username], after, 'asc') : undefined))
        .orderBy(asc(users.username))
        .limit(size + 1),
      this.db.select({ n: count() }).from(memberships).where(inProject),
    ]);
    return toPage(
      rows,
      size,
      total?.n ?? 0,
      (r) => [r.user.username],
      (r) => r,
    );
  }

  async get(actor: Actor, projectId: string, userId: string): Promise<Member> {
    await authorizeProject(this.db, actor, projectId, 'member.read');
    const [row] = await this.db
      .select({ membership: memberships, user: users })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)));
    if (!row) throw notFound('Member');
    return row;
  }
}
