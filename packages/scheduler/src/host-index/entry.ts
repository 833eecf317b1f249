import { freeDiskGiB, freeMemoryMiB, freeVcpus } from '../capacity.ts';
import { compareHosts } from '../scoring.ts';
import type { HostCandidate } from '../types.ts';
import type { Block } from './blocks.ts';
import type { Bucket } from './bucket.ts';

/** The index's own copy of a host: claims and releases change it in place. */
export interface IndexedHost extends HostCandidate {
  groupIds: Set<string>;
}

/** The keys kept for every host: free memory, free vCPUs, free disk, machines. */
export const MEMORY = 0;
export const VCPUS = 1;
export const DISK = 2;
export const MACHINES = 3;
export type SortKey = typeof MEMORY | typeof VCPUS | typeof DISK | typeof MACHINES;

export interface Entry {
  readonly host: IndexedHost;
  /** Indexed by SortKey; computed by the same functions the filters and weighers call. */
  readonly keys: [number, number, number, number];
  readonly bucket: Bucket;
  /** The blocks that hold the entry: in its bucket's sorted list (once built), and in its location's. */
  readonly blocks: [Block, Block];
  /** Whether the entry is in its location's list (not when EnabledFilter rejects it anyway). */
  readonly wide: boolean;
  /** Groups known from the host as given (their machine counts are unknown: release keeps them). */
  readonly givenGroups: ReadonlySet<string>;
  /** Machines of each group claimed through the index. */
  readonly claimedGroups: Map<string, number>;
  /** The stamp of the placement that last evaluated this entry, and whether it passed. */
  evaluated: number;
  passes: boolean;
  /** The stamp of the placement whose labels or affinity admitted this entry. */
  admitted: number;
}

export function computeKeys(entry: Entry): void {
  const { host, keys } = entry;
  keys[MEMORY] = freeMemoryMiB(host);
  keys[VCPUS] = freeVcpus(host);
  keys[DISK] = freeDiskGiB(host);
  keys[MACHINES] = host.machineCount;
}

/** Order in a sorted list: by one key, then by the placement tie-break (name, id). */
export function compareEntries(a: Entry, b: Entry, key: SortKey): number {
  const ka = a.keys[key];
  const kb = b.keys[key];
  if (ka !== kb) return ka < kb ? -1 : 1;
  return compareHosts(a.host, b.host);
}
