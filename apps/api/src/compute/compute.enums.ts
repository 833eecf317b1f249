import { MACHINE_ACTIONS, MACHINE_STATES } from '@levante/domain';
import { registerEnumType } from 'type-graphql';

/** CIMI machine states, as the domain names them. */
export const MachineStateEnum = Object.fromEntries(MACHINE_STATES.map((s) => [s, s])) as {
  [S in (typeof MACHINE_STATES)[number]]: S;
};
registerEnumType(MachineStateEnum, { name: 'MachineState', description: 'CIMI machine states.' });

export enum MachineActionEnum {
  START = 'start',
  STOP = 'stop',
  RESTART = 'restart',
  PAUSE = 'pause',
  UNPAUSE = 'unpause',
  SUSPEND = 'suspend',
  RESUME = 'resume',
  DELETE = 'delete',
}
registerEnumType(MachineActionEnum, { name: 'MachineAction' });
// The GraphQL enum must list exactly the domain's actions.
if (Object.values(MachineActionEnum).join() !== MACHINE_ACTIONS.join()) {
  throw new Error('MachineActionEnum is out of step with MACHINE_ACTIONS');
}

export enum PlacementPolicyEnum {
  AFFINITY = 'affinity',
  ANTI_AFFINITY = 'anti-affinity',
}
registerEnumType(PlacementPolicyEnum, { name: 'PlacementPolicy' });

export enum HypervisorEnum {
  KVM = 'kvm',
  XEN = 'xen',
  ESX = 'esx',
}
registerEnumType(HypervisorEnum, { name: 'Hypervisor' });
