import { type EventRow, type Executor, events } from '@levante/db';
import type { Actor, LevanteEvent } from '@levante/domain';

export interface EventInput {
  readonly type: string;
  readonly actor: Pick<Actor, 'userId' | 'username'> | null;
  readonly projectId: string | null;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly summary: string;
  readonly before?: Record<string, unknown> | null;
  readonly after?: Record<string, unknown> | null;
}

/** Appends one event; call it inside the transaction that makes the change. */
export async function appendEvent(tx: Executor, input: EventInput): Promise<LevanteEvent> {
  const [row] = await tx
    .insert(events)
    .values({
      type: input.type,
      actorId: input.actor?.userId ?? null,
      actorName: input.actor?.username ?? null,
      projectId: input.projectId,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      summary: input.summary,
      before: input.before ?? null,
      after: input.after ?? null,
    })
    .returning();
  if (!row) throw new Error('event insert returned no row');
  return toLevanteEvent(row);
}

export function toLevanteEvent(row: EventRow): LevanteEvent {
  return {
    id: row.id,
    at: row.at,
    type: row.type,
    actorId: row.actorId,
    actorName: row.actorName,
    projectId: row.projectId,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    summary: row.summary,
    before: row.before,
    after: row.after,
  };
}
