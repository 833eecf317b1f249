import type { MachineState } from '@levante/domain';

/** What the qemu driver says a machine is doing; kept in its record and shown as `nativeState`. */
export const QEMU_STATES = [
  /** First boot: QEMU runs, the guest has not said it is up yet. */
  'building',
  /** A boot after a power-off. */
  'booting',
  'running',
  /** vCPUs stopped (QMP `stop`), memory kept in the QEMU process. */
  'paused',
  /** QMP `system_reset` sent; the guest boots again. */
  'rebooting',
  /** ACPI power button pressed; QEMU is told to quit if the guest does not power off in time. */
  'shutting-down',
  /** No QEMU process; the disk overlay stays. */
  'shutoff',
  /** Memory being written to the machine's directory, as for a migration to a file. */
  'saving',
  /** No QEMU process; memory saved in the machine's directory. */
  'saved',
  /** A new QEMU loading the saved memory. */
  'restoring',
  /** Live migration to another host under way; the guest keeps running. */
  'migrating',
  'destroying',
  'destroyed',
  /** QEMU ended on its own, or could not start. */
  'crashed',
] as const;
export type QemuState = (typeof QEMU_STATES)[number];

/** Native state → CIMI state; anything else is ERROR (STATE_MAP_FALLBACK). */
export const STATE_MAP: Readonly<Record<QemuState, MachineState>> = {
  building: 'CREATING',
  booting: 'STARTING',
  running: 'STARTED',
  paused: 'PAUSED',
  rebooting: 'RESTARTING',
  'shutting-down': 'STOPPING',
  shutoff: 'STOPPED',
  saving: 'SUSPENDING',
  saved: 'SUSPENDED',
  restoring: 'STARTING',
  // CIMI has no migrating state: the machine runs throughout, on its old host and then on the new one.
  migrating: 'STARTED',
  destroying: 'DELETING',
  destroyed: 'DELETED',
  crashed: 'ERROR',
};

export const STATE_MAP_FALLBACK: MachineState = 'ERROR';

export function mapQemuState(native: string): MachineState {
  return Object.hasOwn(STATE_MAP, native) ? STATE_MAP[native as QemuState] : STATE_MAP_FALLBACK;
}

/** States with a QEMU process, one that Levante must watch (and re-attach to after a restart). */
export const LIVE_STATES: ReadonlySet<QemuState> = new Set([
  'building',
  'booting',
  'running',
  'paused',
  'rebooting',
  'shutting-down',
  'saving',
  'restoring',
  'migrating',
  'destroying',
]);
