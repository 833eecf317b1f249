import type { MachineRow } from '@levante/db';

/** The public fields of a machine, as recorded in events (the placement map reads them). */
export function machineSummary(machine: MachineRow) {
  return {
    name: machine.name,
    state: machine.state,
    hostId: machine.hostId,
    locationId: machine.locationId,
    vcpus: machine.vcpus,
    memoryMiB: machine.memoryMiB,
    error: machine.error,
  };
}
