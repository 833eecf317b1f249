import {
  MACHINE_ACTIONS,
  MACHINE_TRANSITIONS,
  type MachineAction,
  type MachineState,
  type Transition,
} from '@levante/domain';
import type { Capabilities } from '../contract.ts';

/** The order the conformance suite drives one machine in, from STARTED back to STARTED. */
export const LIFECYCLE_ORDER = ['stop', 'start', 'restart', 'pause', 'unpause', 'suspend', 'resume'] as const;

/** Actions a connector may lack; the others every connector must do. */
const CAPABILITY_OF: Partial<Record<MachineAction, 'pause' | 'suspend' | 'restart'>> = {
  restart: 'restart',
  pause: 'pause',
  unpause: 'pause',
  suspend: 'suspend',
  resume: 'suspend',
};

export interface LifecycleStep {
  readonly action: MachineAction;
  /** The capability the action needs, or null when every connector must do it. */
  readonly capability: 'pause' | 'suspend' | 'restart' | null;
  /** False: `act` must throw NotSupported and leave the machine as it is. */
  readonly supported: boolean;
  /** The state the machine is in when the step starts. */
  readonly from: MachineState;
  readonly transition: Transition;
}

/**
 * The steps for a connector with these capabilities, checked against
 * MACHINE_TRANSITIONS: each supported step must be allowed from the state the
 * previous one left, and the plan plus delete must cover every action.
 */
export function lifecyclePlan(capabilities: Capabilities): LifecycleStep[] {
  const covered = new Set<MachineAction>([...LIFECYCLE_ORDER, 'delete']);
  const missing = MACHINE_ACTIONS.filter((action) => !covered.has(action));
  if (missing.length) throw new Error(`The conformance plan does not exercise: ${missing.join(', ')}.`);

  let state: MachineState = 'STARTED';
  return LIFECYCLE_ORDER.map((action) => {
    const capability = CAPABILITY_OF[action] ?? null;
    const supported = capability === null || capabilities[capability];
    const transition = MACHINE_TRANSITIONS[action];
    const step: LifecycleStep = { action, capability, supported, from: state, transition };
    if (supported) {
      if (!transition.from.includes(state)) {
        throw new Error(`The conformance plan is wrong: ${action} is not allowed from ${state}.`);
      }
      state = transition.to;
    }
    return step;
  });
}
