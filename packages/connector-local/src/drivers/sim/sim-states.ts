import type { MachineState } from '@levante/domain';

/** The simulator's native domain states, named after what a hypervisor is doing. */
export const SIM_STATES = [
  'building',
  'booting',
  'running',
  'shutting-down',
  'shutoff',
  'pausing',
  'paused',
  'unpausing',
  'saving',
  'saved',
  'restoring',
  'rebooting',
  /** Live migration to another host under way; the guest keeps running. */
  'migrating',
  'destroying',
  'destroyed',
  'crashed',
] as const;
export type SimState = (typeof SIM_STATES)[number];

/** Native state → CIMI state; anything else is ERROR (STATE_MAP_FALLBACK). */
export const STATE_MAP: Readonly<Record<SimState, MachineState>> = {
  building: 'CREATING',
  booting: 'STARTING',
  running: 'STARTED',
  'shutting-down': 'STOPPING',
  shutoff: 'STOPPED',
  pausing: 'PAUSING',
  paused: 'PAUSED',
  unpausing: 'STARTING',
  saving: 'SUSPENDING',
  saved: 'SUSPENDED',
  restoring: 'STARTING',
  rebooting: 'RESTARTING',
  // CIMI has no migrating state: the machine runs throughout, on its old host and then on the new one.
  migrating: 'STARTED',
  destroying: 'DELETING',
  destroyed: 'DELETED',
  crashed: 'ERROR',
};

export const STATE_MAP_FALLBACK: MachineState = 'ERROR';

export function mapSimState(native: string): MachineState {
  return Object.hasOwn(STATE_MAP, native) ? STATE_MAP[native as SimState] : STATE_MAP_FALLBACK;
}
