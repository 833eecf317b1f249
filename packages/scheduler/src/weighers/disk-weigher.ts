import { freeDiskGiB } from '../capacity.ts';
import type { HostWeigher } from '../types.ts';

/** Free disk after the placement, in GiB: a positive weight spreads, a negative one packs. */
export const DiskWeigher: HostWeigher = {
  name: 'DiskWeigher',
  weigh: (host, request) => freeDiskGiB(host) - request.diskGiB,
};
