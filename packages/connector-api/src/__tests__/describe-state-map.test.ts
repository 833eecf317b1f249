import type { MachineState } from '@levante/domain';
import { describeStateMap } from '../conformance/index.ts';

// The kit's own check, on a small table mapped the way STYLE rule 3 asks.
const STATE_MAP: Readonly<Record<string, MachineState>> = {
  pending: 'CREATING',
  running: 'STARTED',
  stopped: 'STOPPED',
  terminated: 'DELETED',
};
const mapState = (native: string): MachineState =>
  Object.hasOwn(STATE_MAP, native) ? STATE_MAP[native]! : 'ERROR';

describeStateMap('example', STATE_MAP, mapState, 'ERROR');
