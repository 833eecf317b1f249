import type { WeigherPlan } from '../config.ts';
import { configuredFilters, configuredWeighers, DEFAULT_SCHEDULER_CONFIG, topCandidates } from '../config.ts';
import { RejectionLog } from '../explanation.ts';
import { placeMachine } from '../pipeline.ts';
import { compareScored, type Normalisation, normalisation, scoredHost, scoreOf } from '../scoring.ts';
import type {
  HostCandidate,
  HostFilter,
  PlacementDecision,
  PlacementRequest,
  SchedulerConfig,
} from '../types.ts';
import { SortedBlocks } from './blocks.ts';
import { Bucket, bucketKey, isActive } from './bucket.ts';
import {
  type BucketLevel,
  bucketFiltersFirst,
  bucketLevelOf,
  Census,
  type IndexView,
  type LocationGroup,
  labelKey,
} from './census.ts';
import { computeKeys, type Entry, type IndexedHost, type SortKey } from './entry.ts';
import { rankByBlocks, sortKeyFor } from './selection.ts';

/**
 * Many placements against one fleet, without rescanning it.
 *
 * Hosts are grouped in buckets (location, cluster, hypervisor, able to take
 * machines or not) that the location, state and hypervisor filters accept or
 * reject whole. Each bucket, and each location (its hosts able to take
 * machines), keeps its hosts in a list sorted by the heaviest weigher's key
 * (free memory by default), cut into blocks of about 32 that know their least
 * and greatest free memory, vCPUs, disk and machine count. A placement counts
 * capacity rejections by visiting only the blocks where some host falls short,
 * then ranks by branch and bound over the blocks (selection.ts): it scores the
 * few blocks that can hold the best hosts, not every host. A claim or release
 * moves one host within two lists: a binary search and a block's worth of work.
 *
 * Exactness: `place` returns what `placeMachine` returns over the same hosts
 * and config — the same host, the same scores and `top`, the same counts
 * (considered, passed, hosts left after each filter) and the same summary —
 * for every configuration of the built-in filters and weighers, with any
 * weights: it relies only on each weigher being a monotonic function of a kept
 * key (checked on every placement), not on which weigher dominates, and breaks
 * ties by name as the pipeline does. Two differences: `ranked` lists the best
 * `topCandidates` rather than every passing host, and the examples in
 * `rejected` may be other rejected hosts (the counts are the same).
 *
 * What depends on the configuration and request is speed. `place` answers
 * through `placeMachine` itself (a full scan, exact by definition) when the
 * request has a host hint and the config has HostHintFilter, or when the
 * config puts a per-host filter (labels, groups, capacity) before
 * LocationFilter, EnabledFilter or HypervisorFilter (the counts then depend on
 * each host). Required labels and affinity visit the hosts they name; an
 * anti-affinity group, the hosts holding it.
 */
export class HostIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly locations = new Map<string, LocationGroup>();
  private readonly groups = new Map<string, Set<Entry>>();
  private readonly labels = new Map<string, Set<Entry>>();
  private readonly filters: readonly HostFilter[];
  private readonly plans: readonly WeigherPlan[];
  private readonly top: number;
  private readonly indexable: boolean;
  private readonly sortKey: SortKey;
  private readonly bucketLevel: BucketLevel;
  /** Whether the config lacks EnabledFilter (hosts in any state can then be chosen). */
  private readonly stateBlind: boolean;
  private readonly hinted: boolean;
  private stamp = 0;
  private listed: IndexedHost[] | null = null;

  constructor(
    hosts: Iterable<HostCandidate> = [],
    private readonly config: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG,
  ) {
    this.filters = configuredFilters(config);
    this.plans = configuredWeighers(config);
    this.top = topCandidates(config);
    this.indexable = bucketFiltersFirst(this.filters);
    this.sortKey = sortKeyFor(this.plans);
    this.bucketLevel = bucketLevelOf(this.filters);
    this.stateBlind = !this.filters.some((f) => f.name === 'EnabledFilter');
    this.hinted = this.filters.some((f) => f.name === 'HostHintFilter');
    for (const host of hosts) this.upsert(host);
  }

  get size(): number {
    return this.entries.size;
  }

  /** A copy of the host as the index knows it (claims and releases included). */
  get(hostId: string): HostCandidate | undefined {
    const entry = this.entries.get(hostId);
    return entry && copy(entry.host);
  }

  hosts(): HostCandidate[] {
    return [...this.entries.values()].map((entry) => copy(entry.host));
  }

  place(request: PlacementRequest): PlacementDecision {
    if (!this.indexable || (this.hinted && request.hostHint != null)) return this.scan(request);
    const stamp = ++this.stamp;
    const log = new RejectionLog(this.filters, request);
    const view: IndexView = {
      size: this.entries.size,
      locations: this.locations,
      groups: this.groups,
      labels: this.labels,
    };
    const census = new Census(view, this.filters, request, log, this.bucketLevel, stamp);
    let ranked: { host: HostCandidate; score: number }[] = [];
    let norm: Normalisation = { min: [], range: [] };
    if (census.passing) {
      const hosts = census.passing.map((entry) => entry.host);
      norm = normalisation(this.plans, hosts, request);
      ranked = hosts.map((host) => ({ host, score: scoreOf(host, request, this.plans, norm) }));
      ranked.sort(compareScored);
      ranked.length = Math.min(ranked.length, this.top);
    } else {
      ({ ranked, norm } = rankByBlocks(census, this.plans, request, this.top));
    }
    const top = ranked.map(({ host, score }) => scoredHost(host, score, request, this.plans, norm));
    return {
      hostId: ranked[0]?.host.id ?? null,
      explanation: log.explain(this.entries.size, top),
      ranked: ranked.map(({ host }) => host.id),
    };
  }

  private scan(request: PlacementRequest): PlacementDecision {
    this.listed ??= [...this.entries.values()].map((entry) => entry.host);
    const decision = placeMachine(this.listed, request, this.config);
    return { ...decision, ranked: decision.ranked.slice(0, this.top) };
  }

  /**
   * Takes the request's capacity on the host, as the engine's conditional
   * update does: only if it still fits (vCPUs, memory, disk). Returns whether it did.
   */
  claim(hostId: string, request: PlacementRequest): boolean {
    const entry = this.entries.get(hostId);
    if (!entry) return false;
    const [memory, vcpus, disk] = entry.keys;
    if (vcpus < request.vcpus || memory < request.memoryMiB || disk < request.diskGiB) return false;
    this.change(entry, (host) => {
      host.allocatedVcpus += request.vcpus;
      host.allocatedMemoryMiB += request.memoryMiB;
      host.allocatedDiskGiB += request.diskGiB;
      host.machineCount += 1;
      const group = request.group?.id;
      if (group) {
        entry.claimedGroups.set(group, (entry.claimedGroups.get(group) ?? 0) + 1);
        this.join(entry, group);
      }
    });
    return true;
  }

  /**
   * Gives a machine's capacity back (never below zero). A group the host held
   * when it was given to the index stays on it (the index does not know how many
   * of its machines are there); one known only from claims leaves with its last machine.
   */
  release(hostId: string, request: PlacementRequest): void {
    const entry = this.entries.get(hostId);
    if (!entry) return;
    this.change(entry, (host) => {
      host.allocatedVcpus = Math.max(host.allocatedVcpus - request.vcpus, 0);
      host.allocatedMemoryMiB = Math.max(host.allocatedMemoryMiB - request.memoryMiB, 0);
      host.allocatedDiskGiB = Math.max(host.allocatedDiskGiB - request.diskGiB, 0);
      host.machineCount = Math.max(host.machineCount - 1, 0);
      const group = request.group?.id;
      const claimed = group ? entry.claimedGroups.get(group) : undefined;
      if (!group || claimed === undefined) return;
      if (claimed > 1) entry.claimedGroups.set(group, claimed - 1);
      else {
        entry.claimedGroups.delete(group);
        if (!entry.givenGroups.has(group)) this.leave(entry, group);
      }
    });
  }

  /** Adds the host, or replaces what the index knows of it (its claims included). */
  upsert(host: HostCandidate): void {
    this.remove(host.id);
    const own: IndexedHost = { ...host, labels: { ...host.labels }, groupIds: new Set() };
    const entry: Entry = {
      host: own,
      keys: [0, 0, 0, 0],
      bucket: this.bucketFor(own),
      blocks: [] as unknown as Entry['blocks'], // set by the lists
      // Hosts EnabledFilter rejects never pass: they stay out of the location's list.
      wide: this.stateBlind || isActive(own),
      givenGroups: new Set(host.groupIds),
      claimedGroups: new Map(),
      evaluated: 0,
      passes: false,
      admitted: 0,
    };
    computeKeys(entry);
    const location = this.locations.get(own.location)!;
    entry.bucket.add(entry);
    if (entry.wide) location.list.insert(entry);
    location.size++;
    for (const group of host.groupIds) this.join(entry, group);
    for (const [key, value] of Object.entries(own.labels)) add(this.labels, labelKey(key, value), entry);
    this.entries.set(own.id, entry);
    this.listed = null;
  }

  remove(hostId: string): boolean {
    const entry = this.entries.get(hostId);
    if (!entry) return false;
    for (const group of [...entry.host.groupIds]) this.leave(entry, group);
    for (const [key, value] of Object.entries(entry.host.labels))
      drop(this.labels, labelKey(key, value), entry);
    const location = this.locations.get(entry.host.location)!;
    entry.bucket.delete(entry);
    if (entry.wide) location.list.remove(entry);
    location.size--;
    if (entry.bucket.size === 0) location.buckets.delete(entry.bucket.key);
    if (location.size === 0) this.locations.delete(entry.host.location);
    this.entries.delete(hostId);
    this.listed = null;
    return true;
  }

  /** Applies a change to a host's numbers, keeping its place in every sorted list right. */
  private change(entry: Entry, apply: (host: IndexedHost) => void): void {
    const location = this.locations.get(entry.host.location)!;
    entry.bucket.delete(entry);
    if (entry.wide) location.list.remove(entry);
    apply(entry.host);
    computeKeys(entry);
    entry.bucket.add(entry);
    if (entry.wide) location.list.insert(entry);
  }

  private bucketFor(host: IndexedHost): Bucket {
    let location = this.locations.get(host.location);
    if (!location) {
      location = { buckets: new Map(), list: new SortedBlocks(this.sortKey, 1), size: 0 };
      this.locations.set(host.location, location);
    }
    const key = bucketKey(host);
    let bucket = location.buckets.get(key);
    if (!bucket) {
      bucket = new Bucket(key, host.location, host.cluster, host.hypervisor, this.sortKey);
      location.buckets.set(key, bucket);
    }
    return bucket;
  }

  private join(entry: Entry, group: string): void {
    entry.host.groupIds.add(group);
    add(this.groups, group, entry);
  }

  private leave(entry: Entry, group: string): void {
    entry.host.groupIds.delete(group);
    drop(this.groups, group, entry);
  }
}

function add(sets: Map<string, Set<Entry>>, key: string, entry: Entry): void {
  let set = sets.get(key);
  if (!set) {
    set = new Set();
    sets.set(key, set);
  }
  set.add(entry);
}

function drop(sets: Map<string, Set<Entry>>, key: string, entry: Entry): void {
  const set = sets.get(key);
  set?.delete(entry);
  if (set?.size === 0) sets.delete(key);
}

function copy(host: IndexedHost): HostCandidate {
  return { ...host, labels: { ...host.labels }, groupIds: new Set(host.groupIds) };
}
