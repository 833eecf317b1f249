import type { Commit, CommitLog } from './engine-commits.ts';
import type { Shown, ShownLog } from './page-states.ts';

export interface TimedChange {
  /** From the commit to the page's DOM showing it, in ms. */
  readonly latencyMs: number;
  readonly commit: Commit;
  readonly shown: Shown;
}

export interface ChangeToTime {
  readonly commits: CommitLog;
  readonly shown: ShownLog;
  /** The page's clock minus this process's, and how far off that figure may be. */
  readonly clock: { readonly offsetMs: number; readonly errorMs: number };
  /** Makes the change, e.g. through the API. */
  readonly trigger: () => Promise<void>;
  /** The commit the page must show. */
  readonly commit: (commit: Commit) => boolean;
  /** The page showing that commit. */
  readonly shows: (shown: Shown) => boolean;
  readonly what: string;
}

/**
 * Triggers one change and times it from the engine's commit to the page's DOM update. Only
 * commits and sightings that come after the trigger count, so that an earlier identical state
 * is never taken for this one.
 */
export async function timeChange(change: ChangeToTime): Promise<TimedChange> {
  const commitsBefore = change.commits.commits.length;
  const shownBefore = change.shown.shown.length;
  await change.trigger();
  const commit = await change.commits.next(
    commitsBefore,
    change.commit,
    `the engine to commit ${change.what}`,
  );
  const shown = await change.shown.next(shownBefore, change.shows, `the page to show ${change.what}`);
  const latencyMs = shown.at - change.clock.offsetMs - commit.at;
  // A page cannot show a change before it is committed: a negative time means the clocks lie.
  if (latencyMs < -(change.clock.errorMs + 1))
    throw new Error(`the page showed ${change.what} ${-latencyMs} ms before the engine committed it`);
  return { latencyMs, commit, shown };
}
