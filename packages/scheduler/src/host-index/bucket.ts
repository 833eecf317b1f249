import type { HostCandidate, Hypervisor } from '../types.ts';
import { SortedBlocks } from './blocks.ts';
import type { Entry, SortKey } from './entry.ts';

export function isActive(host: HostCandidate): boolean {
  return host.enabled && !host.maintenance && host.up;
}

export function bucketKey(host: HostCandidate): string {
  return JSON.stringify([host.location, host.cluster, host.hypervisor, isActive(host)]);
}

/**
 * Hosts alike for the filters that look only at where a host is and what it
 * runs: same location, cluster, hypervisor, and either able to take machines
 * (enabled, out of maintenance, up) or not. Kept sorted by one key, in blocks.
 */
export class Bucket {
  readonly list: SortedBlocks;
  /** The stamp of the placement that found this bucket past the bucket-level filters. */
  eligible = 0;

  constructor(
    readonly key: string,
    readonly location: string,
    readonly cluster: string | null,
    readonly hypervisor: Hypervisor,
    sortKey: SortKey,
  ) {
    this.list = new SortedBlocks(sortKey);
  }

  get size(): number {
    return this.list.size;
  }

  /** Any host of the bucket: all of them get the same verdict from bucket-level filters. */
  get sample(): Entry | undefined {
    return this.list.blocks[0]?.entries[0];
  }

  *hosts(): Generator<HostCandidate> {
    for (const block of this.list.blocks) for (const entry of block.entries) yield entry.host;
  }
}
