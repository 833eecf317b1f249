import type { Database } from '@levante/db';
import type { Logger } from 'pino';
import { ensureFirstAdmin, type FirstAdmin } from './bootstrap/first-admin.ts';
import type { EventBus } from './event-bus/event-bus.ts';
import { EventQueries } from './events/event.queries.ts';
import { EventSubscriptions } from './events/event.subscriptions.ts';
import { ApiTokenCommands } from './identity/api-token.commands.ts';
import { Authentication } from './identity/authentication.ts';
import { LoginThrottle, type LoginThrottleOptions } from './identity/login-throttle.ts';
import { UserCommands } from './identity/user.commands.ts';
import { UserQueries } from './identity/user.queries.ts';
import { MembershipCommands } from './projects/membership.commands.ts';
import { MembershipQueries } from './projects/membership.queries.ts';
import { ProjectCommands } from './projects/project.commands.ts';
import { ProjectQueries } from './projects/project.queries.ts';
import { UnitOfWork } from './unit-of-work.ts';

export interface EngineOptions {
  readonly db: Database;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly loginThrottle?: LoginThrottleOptions;
}

/** The engine: every command and query the API and the CLI may call. */
export function createEngine({ db, bus, logger, loginThrottle }: EngineOptions) {
  const uow = new UnitOfWork(db, bus, logger);
  const userCommands = new UserCommands(db, uow);
  return {
    auth: new Authentication(db, uow, new LoginThrottle(loginThrottle)),
    users: userCommands,
    userQueries: new UserQueries(db),
    apiTokens: new ApiTokenCommands(db, uow),
    projects: new ProjectCommands(uow),
    projectQueries: new ProjectQueries(db),
    memberships: new MembershipCommands(uow),
    membershipQueries: new MembershipQueries(db),
    events: new EventQueries(db),
    eventSubscriptions: new EventSubscriptions(db, bus),
    ensureFirstAdmin: (password: string | undefined): Promise<FirstAdmin | null> =>
      ensureFirstAdmin(db, userCommands, password),
  };
}

export type Engine = ReturnType<typeof createEngine>;
