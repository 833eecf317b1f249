import type { MachineState } from '@levante/domain';

/**
 * Domain states as `virsh dominfo` names them, plus three of the driver's
 * own: 'building' while `virsh start` of a new domain runs, 'saved' for a shut
 * off domain with a managed save (suspended), and 'failed' for a domain
 * whose first start failed.
 */
export const STATE_MAP: Readonly<Record<string, MachineState>> = {
  building: 'CREATING',
  running: 'STARTED',
  idle: 'STARTED',
  blocked: 'STARTED',
  paused: 'PAUSED',
  'in shutdown': 'STOPPING',
  dying: 'STOPPING',
  'shut off': 'STOPPED',
  saved: 'SUSPENDED',
  pmsuspended: 'SUSPENDED',
  crashed: 'ERROR',
  failed: 'ERROR',
};

export const STATE_MAP_FALLBACK: MachineState = 'ERROR';

export function mapLibvirtState(native: string): MachineState {
  return Object.hasOwn(STATE_MAP, native) ? (STATE_MAP[native] ?? STATE_MAP_FALLBACK) : STATE_MAP_FALLBACK;
}
