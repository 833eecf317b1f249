import type { HostWeigher } from '../types.ts';

/** Anti-clustering: hosts with fewer machines score higher (with a positive weight). */
export const InstanceCountWeigher: HostWeigher = {
  name: 'InstanceCountWeigher',
  weigh: (host) => -host.machineCount,
};
