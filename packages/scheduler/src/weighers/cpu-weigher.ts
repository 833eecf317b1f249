import { freeVcpus } from '../capacity.ts';
import type { HostWeigher } from '../types.ts';

/** Free vCPUs after the placement: a positive weight spreads, a negative one packs. */
export const CpuWeigher: HostWeigher = {
  name: 'CpuWeigher',
  weigh: (host, request) => freeVcpus(host) - request.vcpus,
};
