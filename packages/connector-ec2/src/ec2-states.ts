import type { Instance } from '@aws-sdk/client-ec2';
import type { MachineState } from '@levante/domain';

/**
 * EC2's instance states, plus 'pending-start': EC2 says 'pending' both for a
 * new instance and for a stopped one being started again; nativeStateOf tells
 * them apart, so that a start shows STARTING and a create CREATING.
 */
export const EC2_STATES = [
  'pending',
  'pending-start',
  'running',
  'stopping',
  'stopped',
  'shutting-down',
  'terminated',
] as const;
export type Ec2State = (typeof EC2_STATES)[number];

/** Native state → CIMI state; anything else is ERROR (STATE_MAP_FALLBACK). */
export const STATE_MAP: Readonly<Record<Ec2State, MachineState>> = {
  pending: 'CREATING',
  'pending-start': 'STARTING',
  running: 'STARTED',
  stopping: 'STOPPING',
  stopped: 'STOPPED',
  'shutting-down': 'DELETING',
  terminated: 'DELETED',
};

export const STATE_MAP_FALLBACK: MachineState = 'ERROR';

export function mapEc2State(native: string): MachineState {
  return Object.hasOwn(STATE_MAP, native) ? STATE_MAP[native as Ec2State] : STATE_MAP_FALLBACK;
}

/** The root volume was attached this long before the last launch: the instance had run before. */
const RESTART_MARGIN_MS = 60_000;

/**
 * The native state of an instance for STATE_MAP. A start from stopped sets
 * LaunchTime anew while the root EBS volume keeps its first AttachTime, so a
 * pending instance whose root volume is older than its launch is being
 * started again, not created ('pending-start').
 */
export function nativeStateOf(
  instance: Pick<Instance, 'State' | 'LaunchTime' | 'BlockDeviceMappings' | 'RootDeviceName'>,
): string {
  const name = instance.State?.Name ?? '';
  if (name !== 'pending' || !instance.LaunchTime) return name;
  const root = instance.BlockDeviceMappings?.find((m) => m.DeviceName === instance.RootDeviceName);
  const attached = root?.Ebs?.AttachTime;
  return attached && attached.getTime() < instance.LaunchTime.getTime() - RESTART_MARGIN_MS
    ? 'pending-start'
    : 'pending';
}
