import type { Machine } from '@/graphql/machines';
import type { Capabilities, MachineAction, MachineState } from '@/graphql/types';

export const ACTION_LABELS: Record<MachineAction, string> = {
  START: 'Start',
  STOP: 'Stop',
  RESTART: 'Restart',
  PAUSE: 'Pause',
  UNPAUSE: 'Unpause',
  SUSPEND: 'Suspend',
  RESUME: 'Resume',
  DELETE: 'Delete',
};

const CAPABILITY: Partial<Record<MachineAction, keyof Capabilities>> = {
  PAUSE: 'pause',
  UNPAUSE: 'pause',
  SUSPEND: 'suspend',
  RESUME: 'suspend',
  RESTART: 'restart',
};

const TRANSITIONAL: readonly MachineState[] = [
  'CREATING',
  'STARTING',
  'STOPPING',
  'PAUSING',
  'SUSPENDING',
  'CAPTURING',
  'RESTARTING',
  'DELETING',
];

/** Why a migration cannot be asked for now, or null when it can (shown to platform admins only). */
export function migrateBlocker(
  machine: Pick<Machine, 'state' | 'provider'>,
  capabilities: Capabilities | null,
): string | null {
  if (capabilities && !capabilities.migrate) return `${machine.provider.name} cannot migrate machines.`;
  if (machine.state === 'STARTED') return null;
  if (TRANSITIONAL.includes(machine.state)) return `Wait until ${machine.state} has finished.`;
  return 'Only a STARTED machine can migrate: it moves while it runs.';
}

/** Why an action cannot be done now, or null when it can. */
export function actionBlocker(
  action: MachineAction,
  machine: Pick<Machine, 'state' | 'allowedActions' | 'provider'>,
  context: { canWrite: boolean; capabilities: Capabilities | null },
): string | null {
  if (!context.canWrite) return 'Your role in this project is viewer: you can see machines, not act on them.';
  const capability = CAPABILITY[action];
  if (capability && context.capabilities && !context.capabilities[capability])
    return `${machine.provider.name} does not support ${ACTION_LABELS[action].toLowerCase()}.`;
  if (machine.allowedActions.includes(action)) return null;
  if (machine.state === 'DELETED') return 'The machine is deleted.';
  if (TRANSITIONAL.includes(machine.state)) return `Wait until ${machine.state} has finished.`;
  return `Not possible while the machine is ${machine.state}.`;
}
