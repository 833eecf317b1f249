import { freeMemoryMiB } from '../capacity.ts';
import type { HostWeigher } from '../types.ts';

/** Free memory after the placement, in MiB: a positive weight spreads, a negative one packs. */
export const RamWeigher: HostWeigher = {
  name: 'RamWeigher',
  weigh: (host, request) => freeMemoryMiB(host) - request.memoryMiB,
};
