import type { DomainOperation } from '../hypervisor-driver.ts';
import type { SimState } from './sim-states.ts';

/** Which configured delay an operation takes. */
export type DelayKind = 'boot' | 'stop' | 'action' | 'migrate';

export interface SimOperation {
  /** Native states the hypervisor accepts the operation in. */
  readonly from: readonly SimState[];
  /** The state shown while it works. */
  readonly during: SimState;
  /** The state once done (or 'crashed' when a boot fails). */
  readonly to: SimState;
  readonly delay: DelayKind;
  /** Whether the guest boots, so a host with a boot fault makes it crash. */
  readonly boots: boolean;
}

/** What each operation does to a simulated domain, the way a hypervisor would. */
export const SIM_OPERATIONS: Readonly<Record<DomainOperation | 'boot' | 'migrate', SimOperation>> = {
  boot: { from: [], during: 'building', to: 'running', delay: 'boot', boots: true },
  start: { from: ['shutoff'], during: 'booting', to: 'running', delay: 'action', boots: true },
  powerOff: {
    from: ['running', 'paused'],
    during: 'shutting-down',
    to: 'shutoff',
    delay: 'stop',
    boots: false,
  },
  pause: { from: ['running'], during: 'pausing', to: 'paused', delay: 'action', boots: false },
  unpause: { from: ['paused'], during: 'unpausing', to: 'running', delay: 'action', boots: false },
  suspend: { from: ['running'], during: 'saving', to: 'saved', delay: 'action', boots: false },
  resume: { from: ['saved'], during: 'restoring', to: 'running', delay: 'action', boots: false },
  reset: { from: ['running'], during: 'rebooting', to: 'running', delay: 'action', boots: false },
  /** Live migration: the guest runs throughout and ends up on another host. */
  migrate: { from: ['running'], during: 'migrating', to: 'running', delay: 'migrate', boots: false },
  destroy: {
    from: ['running', 'shutoff', 'paused', 'saved', 'crashed'],
    during: 'destroying',
    to: 'destroyed',
    delay: 'action',
    boots: false,
  },
};
