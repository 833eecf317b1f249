import type { RejectionLog } from '../explanation.ts';
import type { FilterName, HostCandidate, HostFilter, PlacementRequest } from '../types.ts';
import type { Extremes, SortedBlocks } from './blocks.ts';
import type { Bucket } from './bucket.ts';
import { DISK, type Entry, MEMORY, type SortKey, VCPUS } from './entry.ts';

/*
 * Counting, for the explanation, which filter rejected how many hosts, without
 * visiting every host when the buckets and blocks can tell:
 *  - bucket-level filters (location, state, hypervisor) reject whole buckets;
 *  - a block whose least free vCPUs, memory and disk all cover the request
 *    holds no host a capacity filter rejects; only the other blocks are
 *    visited, and the hosts holding an anti-affinity group;
 *  - labels and affinity reject the hosts *not* in a set: then every host of
 *    the eligible buckets is visited.
 * Each visited host is counted once, under the first filter that rejects it,
 * so the counts are exact in every case; only the examples differ from placeMachine's.
 */

/** Filters whose verdict is the same for every host of a bucket. */
export const BUCKET_LEVEL: ReadonlySet<FilterName> = new Set([
  'LocationFilter',
  'EnabledFilter',
  'HypervisorFilter',
]);

export interface LocationGroup {
  readonly buckets: Map<string, Bucket>;
  /** Every host of the location, in one sorted list. */
  readonly list: SortedBlocks;
  size: number;
}

export interface IndexView {
  readonly size: number;
  readonly locations: ReadonlyMap<string, LocationGroup>;
  readonly groups: ReadonlyMap<string, ReadonlySet<Entry>>;
}

/** A per-host filter that can reject hosts for this request. */
export interface Check {
  readonly index: number;
  readonly filter: HostFilter;
  /** Capacity filters: the entry passes when keys[key] ≥ threshold (the filter's own test, on cached keys). */
  readonly key: SortKey | null;
  readonly threshold: number;
  /** Anti-affinity: the only entries it can reject. */
  readonly members: ReadonlySet<Entry> | null;
}

/** Up to this many passing entries are collected by a full visit, then ranked directly. */
const COLLECT_LIMIT = 256;
const NO_ENTRIES: ReadonlySet<Entry> = new Set();

/** Whether the index can count without visiting all hosts: bucket-level filters before per-host ones. */
export function bucketFiltersFirst(filters: readonly HostFilter[]): boolean {
  const perHost = filters.findIndex((f) => !BUCKET_LEVEL.has(f.name) && f.name !== 'HostHintFilter');
  return perHost < 0 || !filters.slice(perHost).some((f) => BUCKET_LEVEL.has(f.name));
}

function checksFor(filters: readonly HostFilter[], request: PlacementRequest, view: IndexView): Check[] {
  const checks: Check[] = [];
  const group = request.group;
  for (let index = 0; index < filters.length; index++) {
    const filter = filters[index]!;
    let key: SortKey | null = null;
    let threshold = 0;
    let members: ReadonlySet<Entry> | null = null;
    switch (filter.name) {
      case 'CpuFilter':
        [key, threshold] = [VCPUS, request.vcpus];
        break;
      case 'RamFilter':
        [key, threshold] = [MEMORY, request.memoryMiB];
        break;
      case 'DiskFilter':
        [key, threshold] = [DISK, request.diskGiB];
        break;
      case 'AntiAffinityFilter':
        if (group?.policy !== 'anti-affinity') continue;
        members = view.groups.get(group.id) ?? NO_ENTRIES;
        break;
      case 'AffinityFilter':
        if (group?.policy !== 'affinity' || !group.hasMembers) continue;
        break;
      case 'LabelFilter':
        if (!request.requiredLabels || Object.keys(request.requiredLabels).length === 0) continue;
        break;
      case 'HostHintFilter':
        if (request.hostHint == null) continue;
        break;
      default:
        continue; // bucket-level: applied to whole buckets
    }
    checks.push({ index, filter, key, threshold, members });
  }
  return checks;
}

/** Positions of the bucket-level filters in the config, and whether LocationFilter comes first of them. */
export interface BucketLevel {
  readonly indices: readonly number[];
  readonly locationFirst: boolean;
}

export function bucketLevelOf(filters: readonly HostFilter[]): BucketLevel {
  const indices = filters.flatMap((f, i) => (BUCKET_LEVEL.has(f.name) ? [i] : []));
  const first = indices[0];
  return { indices, locationFirst: first !== undefined && filters[first]!.name === 'LocationFilter' };
}

function* hostsElsewhere(view: IndexView, location: string): Generator<HostCandidate> {
  for (const [name, group] of view.locations) {
    if (name === location) continue;
    for (const bucket of group.buckets.values()) yield* bucket.hosts();
  }
}

/**
 * One placement's view of the index: which buckets pass the bucket-level
 * filters, how many hosts pass them all (rejections counted in the log), and
 * whether a given host passes — evaluated at most once per placement.
 */
export class Census {
  readonly eligible: Bucket[] = [];
  /**
   * The sorted lists to search: the location's own when the eligible buckets
   * hold most of its hosts (the others are skipped), else the buckets' lists.
   */
  lists: SortedBlocks[] = [];
  readonly checks: readonly Check[];
  passed = 0;
  /** Every passing entry when the census visited them all and they are few; otherwise null. */
  passing: Entry[] | null = null;

  constructor(
    private readonly view: IndexView,
    private readonly filters: readonly HostFilter[],
    private readonly request: PlacementRequest,
    private readonly log: RejectionLog,
    private readonly bucketLevel: BucketLevel,
    readonly stamp: number,
  ) {
    this.rejectBuckets();
    this.chooseLists();
    this.checks = checksFor(filters, request, view);
    this.countHosts();
  }

  /** Whether the entry passes every filter. */
  accepts(entry: Entry): boolean {
    if (entry.evaluated !== this.stamp) {
      if (entry.bucket.eligible !== this.stamp) return false;
      this.evaluate(entry);
    }
    return entry.passes;
  }

  /** Evaluates the entry for this placement: the index of the first filter that rejects it, or -1. */
  private evaluate(entry: Entry): number {
    let failed = -1;
    for (const c of this.checks) {
      const ok =
        c.key !== null ? entry.keys[c.key] >= c.threshold : c.filter.accepts(entry.host, this.request);
      if (!ok) {
        failed = c.index;
        break;
      }
    }
    entry.evaluated = this.stamp;
    entry.passes = failed < 0;
    return failed;
  }

  private rejectBuckets(): void {
    const { view, filters, request, log } = this;
    const { indices, locationFirst } = this.bucketLevel;
    const own = view.locations.get(request.location);
    if (locationFirst) {
      const elsewhere = view.size - (own?.size ?? 0);
      if (elsewhere > 0) log.rejectMany(indices[0]!, elsewhere, hostsElsewhere(view, request.location));
    }
    const groups = locationFirst ? (own ? [own] : []) : view.locations.values();
    for (const group of groups) {
      for (const bucket of group.buckets.values()) {
        const sample = bucket.sample;
        if (!sample) continue;
        let failed = -1;
        for (const i of indices) {
          if (!filters[i]!.accepts(sample.host, request)) {
            failed = i;
            break;
          }
        }
        if (failed >= 0) log.rejectMany(failed, bucket.size, bucket.hosts());
        else {
          bucket.eligible = this.stamp;
          this.eligible.push(bucket);
        }
      }
    }
  }

  private chooseLists(): void {
    const location = this.view.locations.get(this.eligible[0]?.location ?? '');
    const inScope = this.eligible.reduce((n, b) => n + b.size, 0);
    const oneLocation = location && this.eligible.every((b) => b.location === this.eligible[0]!.location);
    // Eligible buckets are all in the location's list unless EnabledFilter kept some out.
    const wide =
      oneLocation && this.eligible.every((b) => b.sample?.wide) && inScope * 2 >= location.list.size;
    this.lists = wide ? [location.list] : this.eligible.map((b) => b.list);
  }

  private countHosts(): void {
    const inScope = this.eligible.reduce((n, b) => n + b.size, 0);
    const stamp = this.stamp;
    if (this.checks.some((c) => c.key === null && c.members === null)) {
      const passing: Entry[] = [];
      for (const list of this.lists) {
        for (const block of list.blocks) {
          for (const entry of block.entries) {
            if (entry.bucket.eligible !== stamp) continue;
            const failed = this.evaluate(entry);
            if (failed >= 0) this.log.reject(failed, entry.host);
            else if (++this.passed <= COLLECT_LIMIT) passing.push(entry);
          }
        }
      }
      this.passing = this.passed <= COLLECT_LIMIT ? passing : null;
      return;
    }
    let rejected = 0;
    for (const list of this.lists) {
      if (this.fits(list.extremes)) continue;
      for (const block of list.blocks) {
        if (this.fits(block)) continue;
        for (const entry of block.entries) if (entry.bucket.eligible === stamp) rejected += this.count(entry);
      }
    }
    for (const c of this.checks) {
      for (const entry of c.members ?? []) {
        if (entry.bucket.eligible === this.stamp && entry.evaluated !== this.stamp)
          rejected += this.count(entry);
      }
    }
    this.passed = inScope - rejected;
    this.passing = this.passed === 0 ? [] : null;
  }

  /** Whether every host of these extremes has the capacity the request asks. */
  private fits(extremes: Extremes): boolean {
    for (const c of this.checks) if (c.key !== null && extremes.lo[c.key]! < c.threshold) return false;
    return true;
  }

  /** Counts the entry under the first filter that rejects it; 1 if one does. */
  private count(entry: Entry): number {
    const failed = this.evaluate(entry);
    if (failed < 0) return 0;
    this.log.reject(failed, entry.host);
    return 1;
  }
}
