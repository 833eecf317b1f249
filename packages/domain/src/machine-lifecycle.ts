import { invalidState } from './errors.ts';

/** CIMI machine states (DSP0263), the only states Levante shows. */
export const MACHINE_STATES = [
  'CREATING',
  'STARTING',
  'STARTED',
  'STOPPING',
  'STOPPED',
  'PAUSING',
  'PAUSED',
  'SUSPENDING',
  'SUSPENDED',
  'CAPTURING',
  'RESTARTING',
  'DELETING',
  'DELETED',
  'ERROR',
] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

export const MACHINE_ACTIONS = [
  'start',
  'stop',
  'restart',
  'pause',
  'unpause',
  'suspend',
  'resume',
  'delete',
] as const;
export type MachineAction = (typeof MACHINE_ACTIONS)[number];

export interface Transition {
  /** States the action may start from. */
  readonly from: readonly MachineState[];
  /** The state shown while the provider works. */
  readonly during: MachineState;
  /** The state once the provider is done. */
  readonly to: MachineState;
}

/**
 * The single authority on what may be done to a machine in which state. An
 * action not allowed here is refused before anything reaches a provider.
 */
export const MACHINE_TRANSITIONS: Readonly<Record<MachineAction, Transition>> = {
  start: { from: ['STOPPED'], during: 'STARTING', to: 'STARTED' },
  stop: { from: ['STARTED', 'PAUSED'], during: 'STOPPING', to: 'STOPPED' },
  restart: { from: ['STARTED'], during: 'RESTARTING', to: 'STARTED' },
  pause: { from: ['STARTED'], during: 'PAUSING', to: 'PAUSED' },
  unpause: { from: ['PAUSED'], during: 'STARTING', to: 'STARTED' },
  suspend: { from: ['STARTED'], during: 'SUSPENDING', to: 'SUSPENDED' },
  resume: { from: ['SUSPENDED'], during: 'STARTING', to: 'STARTED' },
  delete: { from: ['STARTED', 'STOPPED', 'PAUSED', 'SUSPENDED', 'ERROR'], during: 'DELETING', to: 'DELETED' },
};

/** States in which a provider is still working; no other action is accepted then. */
export const TRANSITIONAL_STATES: ReadonlySet<MachineState> = new Set([
  'CREATING',
  'STARTING',
  'STOPPING',
  'PAUSING',
  'SUSPENDING',
  'CAPTURING',
  'RESTARTING',
  'DELETING',
]);

export function allowedActions(state: MachineState): MachineAction[] {
  return MACHINE_ACTIONS.filter((action) => MACHINE_TRANSITIONS[action].from.includes(state));
}

/** Returns the transition, or throws INVALID_STATE saying what the machine is doing and what is possible. */
export function transitionFor(state: MachineState, action: MachineAction, machineName: string): Transition {
  const transition = MACHINE_TRANSITIONS[action];
  if (transition.from.includes(state)) return transition;
  if (TRANSITIONAL_STATES.has(state)) {
    throw invalidState(
      `Machine "${machineName}" is ${state}; wait until it has finished before you ${action} it.`,
    );
  }
  const possible = allowedActions(state);
  throw invalidState(
    `Machine "${machineName}" is ${state} and cannot ${action}` +
      (possible.length ? `; from ${state} you can ${possible.join(', ')}.` : '.'),
  );
}

/** Whether a machine in this state counts against quotas and holds host capacity. */
export function holdsResources(state: MachineState): boolean {
  return state !== 'DELETED' && state !== 'ERROR';
}
