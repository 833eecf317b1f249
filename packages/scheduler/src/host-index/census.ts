import type { RejectionLog } from '../explanation.ts';
import type { FilterName, HostCandidate, HostFilter, PlacementRequest } from '../types.ts';
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

export interface Census {
  readonly stamp: number;
  readonly eligible: readonly Bucket[];
  readonly checks: readonly Check[];
  readonly passed: number;
  /** Every passing entry when the census visited them all and they are few; otherwise null. */
  readonly passing: readonly Entry[] | null;
  /** Whether the entry passes every filter (cached per placement). */
  readonly accepts: (entry: Entry) => boolean;
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
  for (const [index, filter] of filters.entries()) {
    const check = (key: SortKey | null, threshold = 0, members: ReadonlySet<Entry> | null = null) => {
      checks.push({ index, filter, key, threshold, members });
    };
    switch (filter.name) {
      case 'CpuFilter':
        check(VCPUS, request.vcpus);
        break;
      case 'RamFilter':
        check(MEMORY, request.memoryMiB);
        break;
      case 'DiskFilter':
        check(DISK, request.diskGiB);
        break;
      case 'AntiAffinityFilter':
        if (group?.policy === 'anti-affinity') check(null, 0, view.groups.get(group.id) ?? NO_ENTRIES);
        break;
      case 'AffinityFilter':
        if (group?.policy === 'affinity' && group.hasMembers) check(null);
        break;
      case 'LabelFilter':
        if (request.requiredLabels && Object.keys(request.requiredLabels).length > 0) check(null);
        break;
      case 'HostHintFilter':
        if (request.hostHint != null) check(null);
        break;
      default:
        break; // bucket-level: applied to whole buckets
    }
  }
  return checks;
}

function* hostsElsewhere(view: IndexView, location: string): Generator<HostCandidate> {
  for (const [name, group] of view.locations) {
    if (name === location) continue;
    for (const bucket of group.buckets.values()) yield* bucket.hosts();
  }
}

export function takeCensus(
  view: IndexView,
  filters: readonly HostFilter[],
  request: PlacementRequest,
  log: RejectionLog,
  stamp: number,
): Census {
  // 1. Whole buckets.
  const bucketLevel = filters.flatMap((f, i) => (BUCKET_LEVEL.has(f.name) ? [i] : []));
  const eligible: Bucket[] = [];
  const visit = (bucket: Bucket) => {
    const sample = bucket.sample;
    if (!sample) return;
    const failed = bucketLevel.find((i) => !filters[i]!.accepts(sample.host, request));
    if (failed !== undefined) {
      log.rejectMany(failed, bucket.size, bucket.hosts());
      return;
    }
    bucket.eligible = stamp;
    eligible.push(bucket);
  };
  const first = bucketLevel[0];
  if (first !== undefined && filters[first]!.name === 'LocationFilter') {
    const own = view.locations.get(request.location);
    const elsewhere = view.size - (own?.size ?? 0);
    if (elsewhere > 0) log.rejectMany(first, elsewhere, hostsElsewhere(view, request.location));
    for (const bucket of own?.buckets.values() ?? []) visit(bucket);
  } else {
    for (const group of view.locations.values()) for (const bucket of group.buckets.values()) visit(bucket);
  }

  // 2. Hosts, under the first per-host filter that rejects them.
  const checks = checksFor(filters, request, view);
  const firstFailure = (entry: Entry): number => {
    for (const c of checks) {
      const ok = c.key !== null ? entry.keys[c.key] >= c.threshold : c.filter.accepts(entry.host, request);
      if (!ok) return c.index;
    }
    return -1;
  };
  /** Evaluates the entry once per placement; true when a filter rejects it. */
  const evaluate = (entry: Entry): number => {
    const failed = firstFailure(entry);
    entry.evaluated = stamp;
    entry.passes = failed < 0;
    return failed;
  };
  const accepts = (entry: Entry): boolean => {
    if (entry.evaluated !== stamp) {
      if (entry.bucket.eligible !== stamp) return false;
      evaluate(entry);
    }
    return entry.passes;
  };
  const inScope = eligible.reduce((n, b) => n + b.size, 0);

  if (checks.some((c) => c.key === null && c.members === null)) {
    let passed = 0;
    const passing: Entry[] = [];
    for (const bucket of eligible) {
      for (const block of bucket.list.blocks) {
        for (const entry of block.entries) {
          const failed = evaluate(entry);
          if (failed >= 0) log.reject(failed, entry.host);
          else if (++passed <= COLLECT_LIMIT) passing.push(entry);
        }
      }
    }
    return { stamp, eligible, checks, passed, passing: passed <= COLLECT_LIMIT ? passing : null, accepts };
  }

  let rejected = 0;
  const count = (entry: Entry) => {
    const failed = evaluate(entry);
    if (failed < 0) return;
    log.reject(failed, entry.host);
    rejected++;
  };
  const capacity = checks.filter((c) => c.key !== null);
  for (const bucket of eligible) {
    for (const block of bucket.list.blocks) {
      if (capacity.every((c) => block.lowest[c.key!]!.keys[c.key!] >= c.threshold)) continue;
      block.scanned = stamp;
      for (const entry of block.entries) count(entry);
    }
  }
  for (const c of checks) {
    for (const entry of c.members ?? []) {
      if (entry.bucket.eligible === stamp && entry.evaluated !== stamp) count(entry);
    }
  }
  const passed = inScope - rejected;
  return { stamp, eligible, checks, passed, passing: passed === 0 ? [] : null, accepts };
}
