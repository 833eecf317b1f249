// Relative, not '@/': the repository's vitest runs this file without Next's path aliases.
import type { Machine } from '../../graphql/machines';
import { type Capabilities, MACHINE_ACTIONS, type MachineAction } from '../../graphql/types';
import { formatCount } from '../../lib/format';
import { actionBlocker } from '../machine/actions';

const DOING: Record<MachineAction, string> = {
  START: 'Starting',
  STOP: 'Stopping',
  RESTART: 'Restarting',
  PAUSE: 'Pausing',
  UNPAUSE: 'Unpausing',
  SUSPEND: 'Suspending',
  RESUME: 'Resuming',
  DELETE: 'Deleting',
};

const DONE: Record<MachineAction, string> = {
  START: 'started',
  STOP: 'stopped',
  RESTART: 'restarted',
  PAUSE: 'paused',
  UNPAUSE: 'unpaused',
  SUSPEND: 'suspended',
  RESUME: 'resumed',
  DELETE: 'deleted',
};

/** "1 machine", "3 machines". */

/**
 * The selection without the machines the page no longer lists (another page, a filter, a deletion);
 * the same set when nothing left, so that keeping it does not render again.
 */
export function keepListed(
  selected: ReadonlySet<string>,
  listed: readonly { id: string }[],
): ReadonlySet<string> {
  const ids = new Set(listed.map((m) => m.id));
  const kept = new Set([...selected].filter((id) => ids.has(id)));
  return kept.size === selected.size ? selected : kept;
}

/** The selection with `ids` added (`on`) or taken out. */
export function toggled(
  selected: ReadonlySet<string>,
  ids: readonly string[],
  on: boolean,
): ReadonlySet<string> {
  const next = new Set(selected);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}

/**
 * The actions at least one selected machine can take now, in the machine page's order; the server
 * refuses the others one by one, with the reason.
 */
export function offeredActions(
  machines: readonly Pick<Machine, 'state' | 'allowedActions' | 'provider' | 'accountId'>[],
  capabilitiesOf: (accountId: string | null) => Capabilities | null,
): MachineAction[] {
  // Only writers see the bar: the role is not what holds an action back here.
  return MACHINE_ACTIONS.filter((action) =>
    machines.some(
      (m) => actionBlocker(action, m, { canWrite: true, capabilities: capabilitiesOf(m.accountId) }) === null,
    ),
  );
}

/** "web-1, web-2 and 3 more": a few names, so that a long selection still reads in a sentence. */
export function someNames(names: readonly string[], shown = 5): string {
  const first = names.slice(0, shown).join(', ');
  return names.length > shown ? `${first} and ${names.length - shown} more` : first;
}

/** What the answer to a bulk action says: how many go ahead, and a line for each one refused. */
export function bulkOutcome(
  action: MachineAction,
  started: number,
  refused: readonly { name: string; message: string }[],
): { summary: string; refusedTitle: string | null; refusedLines: string[] } {
  return {
    summary:
      started === 0
        ? `No machine is being ${DONE[action]}.`
        : `${DOING[action]} ${formatCount(started, 'machine')}.`,
    refusedTitle: refused.length > 0 ? `Not ${DONE[action]}:` : null,
    refusedLines: refused.map((r) => `${r.name} — ${r.message}`),
  };
}
