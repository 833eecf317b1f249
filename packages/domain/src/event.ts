/**
 * One entry of the append-only activity log, as it travels on the event bus
 * and through subscriptions.
 */
export interface LevanteEvent {
  readonly id: number;
  readonly at: Date;
  readonly type: string;
  readonly actorId: string | null;
  readonly actorName: string | null;
  /** Null for platform-wide events, which only platform admins see. */
  readonly projectId: string | null;
  readonly subjectType: string;
  readonly subjectId: string;
  readonly summary: string;
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

/** Event types whose arrival can change who may see a project. */
export const ACCESS_EVENT_TYPES: ReadonlySet<string> = new Set([
  'membership.added',
  'membership.role_changed',
  'membership.removed',
  'project.deleted',
  'user.updated',
]);
