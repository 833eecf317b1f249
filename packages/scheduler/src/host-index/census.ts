import type { RejectionLog } from '../explanation.ts';
import type { FilterName, HostCandidate, HostFilter, PlacementRequest } from '../types.ts';
import type { Extremes, SortedBlocks } from './blocks.ts';
import type { Bucket } from './bucket.ts';
import { DISK, type Entry, MEMORY, type SortKey, VCPUS } from './entry.ts';

/*
 * Counting, for the explanation, which filter rejected how many hosts, without
 * visiting every host when the buckets and blocks can tell:
 *  - bucket-level filters (location, state, hypervisor) reject whole buckets;
 *  - labels and affinity accept only hosts the index knows by label or group:
 *    when they come first among the per-host filters, the scope narrows to
 *    those hosts, and the rest are counted without a visit;
 *  - a block whose least free vCPUs, memory and disk all cover the request
 *    holds no host a capacity filter rejects: only the other blocks are
 *    visited, and the hosts holding an anti-affinity group.
 * Each visited host is counted once, under the first filter that rejects it,
 * so the counts are exact in every case; only the examples differ from placeMachine's.
 * (With labels or affinity after a capacity filter in the config, every eligible host is visited.)
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
  /** Hosts holding each placement group. */
  readonly groups: ReadonlyMap<string, ReadonlySet<Entry>>;
  /** Hosts carrying each label, by labelKey(key, value). */
  readonly labels: ReadonlyMap<string, ReadonlySet<Entry>>;
}

export function labelKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
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
  /** Labels, affinity: entries among which are all those it accepts. */
  readonly admits: ReadonlySet<Entry> | null;
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
    let admits: ReadonlySet<Entry> | null = null;
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
        admits = view.groups.get(group.id) ?? NO_ENTRIES;
        break;
      case 'LabelFilter': {
        const wanted = Object.entries(request.requiredLabels ?? {});
        if (wanted.length === 0) continue;
        // The hosts carrying the rarest of the required labels.
        for (const [key, value] of wanted) {
          const carriers = view.labels.get(labelKey(key, value)) ?? NO_ENTRIES;
          if (!admits || carriers.size < admits.size) admits = carriers;
        }
        break;
      }
      case 'HostHintFilter':
        if (request.hostHint == null) continue;
        break;
      default:
        continue; // bucket-level: applied to whole buckets
    }
    checks.push({ index, filter, key, threshold, members, admits });
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
  /** Whether only entries marked `admitted` (by labels or affinity) can pass. */
  private admitted = false;

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
      if (entry.bucket.eligible !== this.stamp || (this.admitted && entry.admitted !== this.stamp))
        return false;
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
    const admitting = this.checks.filter((c) => c.admits);
    if (admitting.length === 0) {
      this.countByBlocks(inScope);
      return;
    }
    // Labels and affinity name the few hosts they accept: when they come before the other
    // per-host filters, narrow the scope to those hosts first, else visit every host.
    const other = this.checks.findIndex((c) => !c.admits);
    const generic = this.checks.some((c) => c.key === null && !c.members && !c.admits);
    if (generic || (other >= 0 && other < this.checks.indexOf(admitting.at(-1)!))) {
      this.countByVisits();
      return;
    }
    const [first, ...rest] = admitting;
    let scope: Entry[] = [];
    for (const entry of first!.admits!) {
      if (entry.bucket.eligible === this.stamp && first!.filter.accepts(entry.host, this.request)) {
        entry.admitted = this.stamp;
        scope.push(entry);
      }
    }
    if (inScope > scope.length) {
      this.log.rejectMany(first!.index, inScope - scope.length, this.notAdmitted());
    }
    for (const c of rest) {
      const kept: Entry[] = [];
      for (const entry of scope) {
        if (c.filter.accepts(entry.host, this.request)) kept.push(entry);
        else {
          entry.admitted = 0;
          this.log.reject(c.index, entry.host);
        }
      }
      scope = kept;
    }
    this.admitted = true;
    if (scope.length > COLLECT_LIMIT) {
      this.countByBlocks(scope.length);
      return;
    }
    const passing: Entry[] = [];
    for (const entry of scope) {
      const failed = this.evaluate(entry);
      if (failed >= 0) this.log.reject(failed, entry.host);
      else passing.push(entry);
    }
    this.passed = passing.length;
    this.passing = passing;
  }

  /** A few eligible hosts that labels or affinity did not admit, for examples. */
  private *notAdmitted(): Generator<Entry['host']> {
    let looked = 0;
    for (const list of this.lists) {
      for (const block of list.blocks) {
        for (const entry of block.entries) {
          if (++looked > 2000) return;
          if (entry.bucket.eligible === this.stamp && entry.admitted !== this.stamp) yield entry.host;
        }
      }
    }
  }

  /** Visits every eligible host; collects the passing ones if they are few. */
  private countByVisits(): void {
    const passing: Entry[] = [];
    for (const list of this.lists) {
      for (const block of list.blocks) {
        for (const entry of block.entries) {
          if (entry.bucket.eligible !== this.stamp) continue;
          const failed = this.evaluate(entry);
          if (failed >= 0) this.log.reject(failed, entry.host);
          else if (++this.passed <= COLLECT_LIMIT) passing.push(entry);
        }
      }
    }
    this.passing = this.passed <= COLLECT_LIMIT ? passing : null;
  }

  /**
   * Counts capacity and anti-affinity rejections among the `inScope` hosts in
   * scope (eligible, and admitted when labels or affinity narrowed them):
   * only blocks where some host falls short are visited.
   */
  private countByBlocks(inScope: number): void {
    const stamp = this.stamp;
    const inside = (entry: Entry) =>
      entry.bucket.eligible === stamp && (!this.admitted || entry.admitted === stamp);
    let rejected = 0;
    for (const list of this.lists) {
      if (this.fits(list.extremes)) continue;
      for (const block of list.blocks) {
        if (this.fits(block)) continue;
        for (const entry of block.entries) if (inside(entry)) rejected += this.count(entry);
      }
    }
    for (const [position, c] of this.checks.entries()) {
      if (!c.members) continue;
      for (const entry of c.members) {
        if (entry.evaluated === stamp || !inside(entry)) continue;
        if (position > 0) rejected += this.count(entry);
        else {
          // The first check: it rejects every host it names.
          entry.evaluated = stamp;
          entry.passes = false;
          this.log.reject(c.index, entry.host);
          rejected++;
        }
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
