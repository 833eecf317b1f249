import { type EventRow, type Executor, events, recordset } from '@levante/db';
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

/** Appends events in one statement; call it inside the transaction that makes the change. */
export async function appendEvents(tx: Executor, inputs: readonly EventInput[]): Promise<LevanteEvent[]> {
  if (inputs.length === 0) return [];
  const rows = await tx
    .insert(events)
    .select(
      recordset(
        events,
        inputs.map((input) => ({
          type: input.type,
          actorId: input.actor?.userId ?? null,
          actorName: input.actor?.username ?? null,
          projectId: input.projectId,
          subjectType: input.subjectType,
          subjectId: input.subjectId,
          summary: input.summary,
          before: input.before ?? null,
          after: input.after ?? null,
        })),
      ),
    )
    .returning();
  if (rows.length !== inputs.length) throw new Error('event insert returned fewer rows than it was given');
  // Ids grow with insertion order; keep the order the events were given in.
  return rows.sort((a, b) => a.id - b.id).map(toLevanteEvent);
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
