import type { Actor } from '@levante/domain';
import type { Engine } from '@levante/engine';
import { waitFor } from '../measure.ts';
import { now } from './clocks.ts';

/** One machine change as the engine committed it. */
export interface Commit {
  readonly type: string;
  /** The machine's local id. */
  readonly machineId: string;
  readonly name: string;
  readonly state: string;
  /** When its event left the event bus, on `now()`'s clock. */
  readonly at: number;
}

export interface CommitLog {
  readonly commits: readonly Commit[];
  /** The first commit from index `from` on that matches, waiting for it up to `timeoutMs`. */
  next(from: number, match: (commit: Commit) => boolean, what: string, timeoutMs?: number): Promise<Commit>;
  close(): Promise<void>;
}

/**
 * Follows machine events inside the server's own process, on the engine's event bus. The unit of
 * work publishes a change's events right after its transaction commits, and the bus hands them to
 * this listener in the same turn of the event loop (microtasks only, before any I/O): each
 * commit's time is taken within microseconds of the commit, and before any subscriber (the
 * console's WebSocket among them) can have heard of it.
 */
export async function followCommits(engine: Engine, actor: Actor): Promise<CommitLog> {
  const events = await engine.eventSubscriptions.open(actor, {
    types: ['machine.created', 'machine.state_changed'],
  });
  const commits: Commit[] = [];
  let failure: unknown = null;
  const reading = (async () => {
    for await (const event of events) {
      const at = now();
      commits.push({
        type: event.type,
        machineId: event.subjectId,
        name: String(event.after?.name ?? ''),
        state: String(event.after?.state ?? ''),
        at,
      });
    }
  })().catch((error: unknown) => {
    failure = error;
  });
  return {
    commits,
    async next(from, match, what, timeoutMs = 20_000) {
      let found: Commit | undefined;
      await waitFor(
        () => {
          if (failure) throw new Error(`the engine's event stream failed: ${String(failure)}`);
          found = commits.slice(from).find(match);
          return found !== undefined;
        },
        what,
        timeoutMs,
      );
      return found!;
    },
    async close() {
      await events.return?.();
      await reading;
    },
  };
}
