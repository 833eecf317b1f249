import { formatGiB, freeDiskGiB, shortage } from '../capacity.ts';
import type { HostFilter } from '../types.ts';

/** Disk × allocation ratio − allocated must cover the request. */
export const DiskFilter: HostFilter = {
  name: 'DiskFilter',
  rejects: { one: 'lacks disk', many: 'lack disk' },
  accepts: (host, request) => freeDiskGiB(host) >= request.diskGiB,
  passes(host, request) {
    const free = freeDiskGiB(host);
    return free >= request.diskGiB || shortage(free, request.diskGiB, formatGiB, 'disk');
  },
};
