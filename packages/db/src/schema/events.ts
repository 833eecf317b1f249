import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * The append-only audit and activity log. Each row is written in the same
 * transaction as the change it records; subscriptions stream these rows.
 * No foreign keys: the log outlives the users and projects it mentions.
 */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    type: text('type').notNull(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    /** Null for platform-wide events, which only platform admins see. */
    projectId: uuid('project_id'),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    summary: text('summary').notNull(),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
  },
  (t) => [index('events_project_id_idx').on(t.projectId, t.id), index('events_type_idx').on(t.type)],
);
export type EventRow = typeof events.$inferSelect;
export type NewEventRow = typeof events.$inferInsert;
