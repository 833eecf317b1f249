import { type ApiTokenRow, apiTokens, type Database } from '@levante/db';
import { type Actor, conflict, notFound, tokenNameSchema, validate } from '@levante/domain';
import { and, count, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { decodeCursor, keysetAfter, type Page, type PageArgs, pageSize, toPage } from '../pagination.ts';
import { personalProjectId } from '../projects/personal-project.ts';
import { assertActive } from '../projects/project-access.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { API_TOKEN_PREFIX, hashToken, newSecretToken } from './secret-token.ts';

const createTokenSchema = z.object({
  name: tokenNameSchema,
  expiresInDays: z
    .number()
    .int()
    .min(1, 'A token must last at least 1 day.')
    .max(3650, 'A token can last at most 3650 days.')
    .nullish(),
});

export interface CreatedApiToken {
  readonly apiToken: ApiTokenRow;
  /** The secret itself: returned this once and never again. */
  readonly token: string;
}

/** API tokens belong to the user who creates them and act with that user's rights. */
export class ApiTokenCommands {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
  ) {}

  async create(actor: Actor, input: z.input<typeof createTokenSchema>): Promise<CreatedApiToken> {
    assertActive(actor);
    const data = validate(createTokenSchema, input);
    const token = newSecretToken(API_TOKEN_PREFIX);
    const expiresAt = data.expiresInDays ? new Date(Date.now() + data.expiresInDays * 86_400_000) : null;
    const apiToken = await this.uow.run(async (tx, record) => {
      const [row] = await tx
        .insert(apiTokens)
        .values({
          userId: actor.userId,
          name: data.name,
          tokenHash: hashToken(token),
          prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
          expiresAt,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) throw conflict(`You already have an active token named "${data.name}".`, 'name');
      await record({
        type: 'api_token.created',
        actor,
        projectId: await personalProjectId(tx, actor.userId),
        subjectType: 'ApiToken',
        subjectId: row.id,
        summary: `${actor.username} created the API token "${row.name}".`,
        after: { name: row.name, prefix: row.prefix, expiresAt: row.expiresAt?.toISOString() ?? null },
      });
      return row;
    });
    return { apiToken, token };
  }

  async revoke(actor: Actor, tokenId: string): Promise<ApiTokenRow> {
    assertActive(actor);
    return this.uow.run(async (tx, record) => {
      const [row] = await tx
        .update(apiTokens)
        .set({ revokedAt: new Date() })
        .where(
          and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, actor.userId), isNull(apiTokens.revokedAt)),
        )
        .returning();
      if (!row) {
        const [existing] = await tx
          .select()
          .from(apiTokens)
          .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, actor.userId)));
        if (!existing) throw notFound('API token');
        return existing;
      }
      await record({
        type: 'api_token.revoked',
        actor,
        projectId: await personalProjectId(tx, actor.userId),
        subjectType: 'ApiToken',
        subjectId: row.id,
        summary: `${actor.username} revoked the API token "${row.name}".`,
      });
      return row;
    });
  }

  /** The caller's own tokens, newest first, revoked ones included. */
  async list(actor: Actor, args: PageArgs): Promise<Page<ApiTokenRow>> {
    assertActive(actor);
    const size = pageSize(args);
    const mine = eq(apiTokens.userId, actor.userId);
    const after = args.after ? decodeCursor(args.after, ['string', 'string']) : null;
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(apiTokens)
        .where(
          and(
            mine,
            after === null ? undefined : keysetAfter([apiTokens.createdAt, apiTokens.id], after, 'desc'),
          ),
        )
        .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
        .limit(size + 1),
      this.db.select({ n: count() }).from(apiTokens).where(mine),
    ]);
    return toPage(
      rows,
      size,
      total?.n ?? 0,
      (t) => [t.createdAt.toISOString(), t.id],
      (t) => t,
    );
  }
}
