import type { MachineRow } from '@levante/db';
import type { EventInput } from '../events/event-log.ts';

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

/** A state the provider reported, written by Levante itself (no actor): from `before` to `after`. */
export function reportedStateEvent(
  before: MachineRow,
  after: MachineRow,
  summary: string,
  extra: Record<string, unknown>,
): EventInput {
  return {
    type: 'machine.state_changed',
    actor: null,
    projectId: before.projectId,
    subjectType: 'Machine',
    subjectId: before.id,
    summary,
    before: { state: before.state },
    after: { ...machineSummary(after), ...extra },
  };
}
