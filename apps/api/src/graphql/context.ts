import { type Actor, type LevanteError, unauthenticated } from '@levante/domain';
import type { Engine, UserProfile } from '@levante/engine';

/** What every resolver receives: who is calling, from where, and the engine. */
export interface Context {
  readonly engine: Engine;
  /** Null when the request carried no valid credential. */
  readonly actor: Actor | null;
  /** The actor's user record, read with the credential; absent over WebSocket. */
  readonly user?: UserProfile | null;
  /** Why the credential given was refused, when one was given. */
  readonly authError: LevanteError | null;
  /** The caller's address, for login throttling. */
  readonly clientAddress: string;
  /** Sets or clears the session cookie; absent over WebSocket. */
  readonly session?: SessionCookieWriter;
}

export interface SessionCookieWriter {
  set(token: string, expiresAt: Date): void;
  clear(): void;
}

/** The calling actor, or UNAUTHENTICATED saying why there is none. */
export function requireActor(context: Context): Actor {
  if (context.actor) return context.actor;
  throw context.authError ?? unauthenticated();
}
