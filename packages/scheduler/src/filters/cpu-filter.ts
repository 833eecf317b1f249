import { formatVcpus, freeVcpus, shortage } from '../capacity.ts';
import type { HostFilter } from '../types.ts';

/** vCPUs × allocation ratio − allocated must cover the request. */
export const CpuFilter: HostFilter = {
  name: 'CpuFilter',
  rejects: { one: 'lacks vCPUs', many: 'lack vCPUs' },
  accepts: (host, request) => freeVcpus(host) >= request.vcpus,
  passes(host, request) {
    const free = freeVcpus(host);
    return free >= request.vcpus || shortage(free, request.vcpus, formatVcpus, 'vCPUs');
  },
};
