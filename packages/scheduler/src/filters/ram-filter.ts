import { formatMiB, freeMemoryMiB, shortage } from '../capacity.ts';
import type { HostFilter } from '../types.ts';

/** Memory × allocation ratio − allocated must cover the request. */
export const RamFilter: HostFilter = {
  name: 'RamFilter',
  rejects: { one: 'lacks memory', many: 'lack memory' },
  accepts: (host, request) => freeMemoryMiB(host) >= request.memoryMiB,
  passes(host, request) {
    const free = freeMemoryMiB(host);
    return free >= request.memoryMiB || shortage(free, request.memoryMiB, formatMiB, 'memory');
  },
};
