import { type Database, events } from '@levante/db';
import { type Actor, type LevanteEvent, validate } from '@levante/domain';
import { and, count, desc, eq, inArray, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { decodeCursor, type Page, type PageArgs, pageSize, toPage } from '../pagination.ts';
import { assertActive, authorizeProject, inMemberProjects } from '../projects/project-access.ts';
import { toLevanteEvent } from './event-log.ts';

export interface EventFilter {
  /** One project's events; without it, every event the caller may see. */
  readonly projectId?: string | null;
  readonly types?: readonly string[] | null;
  /** Events about one thing (a machine, say): its local id. */
  readonly subjectId?: string | null;
}

const typesSchema = z
  .array(z.string().max(64, 'An event type has at most 64 characters.'))
  .max(20, 'Filter on at most 20 event types.');

export class EventQueries {
  constructor(private readonly db: Database) {}

  /** Newest first. */
  async list(actor: Actor, filter: EventFilter, args: PageArgs): Promise<Page<LevanteEvent>> {
    assertActive(actor);
    const size = pageSize(args);
    const types = filter.types ? validate(typesSchema, filter.types, 'types') : null;
    if (filter.projectId) await authorizeProject(this.db, actor, filter.projectId, 'event.read');
    const conditions: (SQL | undefined)[] = [
      filter.projectId
        ? eq(events.projectId, filter.projectId)
        : inMemberProjects(this.db, actor, events.projectId),
      types && types.length > 0 ? inArray(events.type, types) : undefined,
      filter.subjectId ? eq(events.subjectId, filter.subjectId) : undefined,
    ];
    const after = args.after ? (decodeCursor(args.after, ['number'])[0] as number) : null;
    const [rows, [total]] = await Promise.all([
      this.db
        .select()
        .from(events)
        .where(and(...conditions, after === null ? undefined : lt(events.id, after)))
        .orderBy(desc(events.id))
        .limit(size + 1),
      this.db
        .select({ n: count() })
        .from(events)
        .where(and(...conditions)),
    ]);
    return toPage(rows, size, total?.n ?? 0, (e) => [e.id], toLevanteEvent);
  }
}
