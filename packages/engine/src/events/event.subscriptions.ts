import { apiTokens, type Database, memberships, sessions, users } from '@levante/db';
import {
  ACCESS_EVENT_TYPES,
  type Actor,
  forbidden,
  type LevanteEvent,
  unauthenticated,
} from '@levante/domain';
import { eq } from 'drizzle-orm';
import type { EventBus } from '../event-bus/event-bus.ts';
import { assertActive, authorizeProject } from '../projects/project-access.ts';
import { PushIterator } from './push-iterator.ts';

const MAX_BUFFERED = 1000;
/** setTimeout's longest delay (about 24.8 days); a later expiry is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a subscriber may see right now, reloaded when an event may change it. */
interface AccessView {
  readonly isAdmin: boolean;
  readonly projectIds: ReadonlySet<string>;
  /** When the session the subscriber uses expires; null for an API token. */
  readonly expiresAt: Date | null;
}

export interface SubscriptionFilter {
  readonly projectId?: string | null;
  readonly types?: readonly string[] | null;
  /** Events about one thing only: its local id. */
  readonly subjectId?: string | null;
}

/**
 * Live event streams. A subscriber receives only events of projects it may
 * see; when an event changes its access (membership, admin rights, account,
 * credential), its access is checked again and the stream ends if it is lost.
 */
export class EventSubscriptions {
  constructor(
    private readonly db: Database,
    private readonly bus: EventBus,
  ) {}

  async open(actor: Actor, filter: SubscriptionFilter): Promise<AsyncIterableIterator<LevanteEvent>> {
    assertActive(actor);
    const { projectId } = filter;
    if (projectId) await authorizeProject(this.db, actor, projectId, 'event.read');
    const types = filter.types && filter.types.length > 0 ? new Set(filter.types) : null;
    let view = await this.#load(actor);
    let pending = Promise.resolve();
    let expiry: NodeJS.Timeout | undefined;
    const iterator = new PushIterator<LevanteEvent>(MAX_BUFFERED, () => {
      clearTimeout(expiry);
      unsubscribe();
    });
    // A session ends at its expiry without an event: look again then (it may have been extended).
    const watchExpiry = (at: Date | null) => {
      if (!at) return;
      expiry = setTimeout(
        () => {
          pending = pending
            .then(async () => {
              view = await this.#load(actor);
              watchExpiry(view.expiresAt);
            })
            .catch((error: unknown) => iterator.fail(error));
        },
        Math.min(Math.max(at.getTime() - Date.now(), 0), MAX_TIMER_MS),
      );
      expiry.unref();
    };
    watchExpiry(view.expiresAt);

    const handle = async (event: LevanteEvent) => {
      const visibleBefore = isVisible(view, event, projectId);
      if (concernsAccess(actor, event)) {
        try {
          view = await this.#load(actor);
        } catch (error) {
          if (visibleBefore) iterator.push(event);
          iterator.fail(error);
          return;
        }
      }
      const wanted =
        (!types || types.has(event.type)) && (!filter.subjectId || event.subjectId === filter.subjectId);
      if ((visibleBefore || isVisible(view, event, projectId)) && wanted) {
        iterator.push(event);
      }
      if (projectId && !view.isAdmin && !view.projectIds.has(projectId)) {
        iterator.fail(forbidden('You no longer have access to this project.'));
      }
    };
    // Events are handled one after another so that they keep their order.
    const unsubscribe = this.bus.subscribe((event) => {
      pending = pending.then(() => handle(event)).catch((error: unknown) => iterator.fail(error));
    });
    return iterator;
  }

  async #load(actor: Actor): Promise<AccessView> {
    const [user] = await this.db
      .select({ isAdmin: users.isAdmin, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, actor.userId));
    if (!user || user.disabledAt) throw unauthenticated('This account is disabled.');
    const credential = await this.#credential(actor);
    if (!credential.valid) throw unauthenticated('Your session or token is no longer valid.');
    const rows = await this.db
      .select({ projectId: memberships.projectId })
      .from(memberships)
      .where(eq(memberships.userId, actor.userId));
    return {
      isAdmin: user.isAdmin,
      projectIds: new Set(rows.map((r) => r.projectId)),
      expiresAt: credential.expiresAt,
    };
  }

  /** Whether the actor's session or token still holds, and until when (a session's expiry). */
  async #credential(actor: Actor): Promise<{ valid: boolean; expiresAt: Date | null }> {
    const { kind, id } = actor.credential;
    if (kind === 'session') {
      const [row] = await this.db
        .select({ expiresAt: sessions.expiresAt })
        .from(sessions)
        .where(eq(sessions.id, id));
      const valid = row !== undefined && row.expiresAt.getTime() > Date.now();
      return { valid, expiresAt: row?.expiresAt ?? null };
    }
    const [row] = await this.db
      .select({ revokedAt: apiTokens.revokedAt })
      .from(apiTokens)
      .where(eq(apiTokens.id, id));
    return { valid: row !== undefined && row.revokedAt === null, expiresAt: null };
  }
}

function isVisible(view: AccessView, event: LevanteEvent, projectId: string | null | undefined): boolean {
  if (projectId) return event.projectId === projectId && (view.isAdmin || view.projectIds.has(projectId));
  if (view.isAdmin) return true;
  return event.projectId !== null && view.projectIds.has(event.projectId);
}

/** Whether `event` may change what `actor` is allowed to see. */
function concernsAccess(actor: Actor, event: LevanteEvent): boolean {
  if (event.subjectId === actor.userId && event.type.startsWith('user.')) return true;
  if (event.type === 'api_token.revoked' || event.type === 'session.ended') {
    return event.subjectId === actor.credential.id;
  }
  if (!ACCESS_EVENT_TYPES.has(event.type)) return false;
  return event.subjectId === actor.userId || event.type === 'project.deleted';
}
