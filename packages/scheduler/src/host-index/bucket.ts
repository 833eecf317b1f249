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
 * (enabled, out of maintenance, up) or not. Its own sorted list is built the
 * first time a placement needs it (one that only some buckets of a location
 * can take), and kept up to date from then on.
 */
export class Bucket {
  readonly members = new Set<Entry>();
  private sorted: SortedBlocks | null = null;
  /** The stamp of the placement that found this bucket past the bucket-level filters. */
  eligible = 0;

  constructor(
    readonly key: string,
    readonly location: string,
    readonly cluster: string | null,
    readonly hypervisor: Hypervisor,
    private readonly sortKey: SortKey,
  ) {}

  get size(): number {
    return this.members.size;
  }

  /** Any host of the bucket: all of them get the same verdict from bucket-level filters. */
  get sample(): Entry | undefined {
    for (const entry of this.members) return entry;
    return undefined;
  }

  get list(): SortedBlocks {
    if (!this.sorted) {
      this.sorted = new SortedBlocks(this.sortKey, 0);
      for (const entry of this.members) this.sorted.insert(entry);
    }
    return this.sorted;
  }

  add(entry: Entry): void {
    this.members.add(entry);
    this.sorted?.insert(entry);
  }

  delete(entry: Entry): void {
    this.members.delete(entry);
    this.sorted?.remove(entry);
  }

  *hosts(): Generator<HostCandidate> {
    for (const entry of this.members) yield entry.host;
  }
}
