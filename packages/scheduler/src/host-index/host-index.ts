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
import { bucketFiltersFirst, type IndexView, type LocationGroup, takeCensus } from './census.ts';
import { Bucket, bucketKey, computeKeys, type Entry, type IndexedHost, isActive } from './entry.ts';
import { rankByWalks } from './selection.ts';

/**
 * Many placements against one fleet, without rescanning it: hosts are kept in
 * buckets (location, cluster, hypervisor, able to take machines or not), each
 * with its hosts sorted by free memory, free vCPUs, free disk and machine
 * count. A placement rejects whole buckets, counts capacity rejections by
 * binary search plus a visit of the hosts that fall short, and ranks with a
 * threshold search over those sorted lists (see selection.ts), so it touches
 * the few hosts that matter rather than all of them.
 *
 * Exactness: `place` chooses the same host as `placeMachine` over the same
 * hosts and config, with the same scores, the same `top` and the same counts
 * (considered, passed, hosts left after each filter) — for every
 * configuration, because every built-in weigher is monotonic in a sorted key.
 * Only the examples in `rejected` may be other hosts, and `ranked` lists the
 * best `topCandidates` rather than every passing host. It answers through
 * `placeMachine` itself (a full scan, equally exact) when:
 *  - the request has a host hint and the config has HostHintFilter;
 *  - no weigher has a non-zero weight (the order is then by name alone);
 *  - the config puts a per-host filter before LocationFilter, EnabledFilter or
 *    HypervisorFilter (counts per filter then depend on each host);
 *  - in the rare case that all passing hosts score alike yet differ in every
 *    weighed key (floating-point rounding), where the name order cannot be read off a list.
 */
export class HostIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly locations = new Map<string, LocationGroup>();
  private readonly groups = new Map<string, Set<Entry>>();
  private readonly filters: readonly HostFilter[];
  private readonly plans: readonly WeigherPlan[];
  private readonly top: number;
  private readonly indexable: boolean;
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
    this.indexable = this.plans.some((p) => p.weight !== 0) && bucketFiltersFirst(this.filters);
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
    const view: IndexView = { size: this.entries.size, locations: this.locations, groups: this.groups };
    const census = takeCensus(view, this.filters, request, log, stamp);
    let ranked: { host: HostCandidate; score: number }[] = [];
    let norm: Normalisation = { min: [], range: [] };
    if (census.passing) {
      const hosts = census.passing.map((entry) => entry.host);
      norm = normalisation(this.plans, hosts, request);
      ranked = hosts.map((host) => ({ host, score: scoreOf(host, request, this.plans, norm) }));
      ranked.sort(compareScored);
      ranked.length = Math.min(ranked.length, this.top);
    } else {
      const walked = rankByWalks(census, this.plans, request, this.top);
      if (!walked) return this.scan(request);
      ({ ranked, norm } = walked);
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
      givenGroups: new Set(host.groupIds),
      claimedGroups: new Map(),
      evaluated: 0,
      passes: false,
      seen: 0,
    };
    computeKeys(entry);
    entry.bucket.add(entry);
    this.locations.get(own.location)!.size++;
    for (const group of host.groupIds) this.join(entry, group);
    this.entries.set(own.id, entry);
    this.listed = null;
  }

  remove(hostId: string): boolean {
    const entry = this.entries.get(hostId);
    if (!entry) return false;
    for (const group of [...entry.host.groupIds]) this.leave(entry, group);
    entry.bucket.delete(entry);
    const location = this.locations.get(entry.host.location)!;
    location.size--;
    if (entry.bucket.size === 0) location.buckets.delete(entry.bucket.key);
    if (location.size === 0) this.locations.delete(entry.host.location);
    this.entries.delete(hostId);
    this.listed = null;
    return true;
  }

  /** Applies a change to a host's numbers, keeping its place in every sorted list right. */
  private change(entry: Entry, apply: (host: IndexedHost) => void): void {
    entry.bucket.delete(entry);
    apply(entry.host);
    computeKeys(entry);
    entry.bucket.add(entry);
  }

  private bucketFor(host: IndexedHost): Bucket {
    let location = this.locations.get(host.location);
    if (!location) {
      location = { buckets: new Map(), size: 0 };
      this.locations.set(host.location, location);
    }
    const key = bucketKey(host);
    let bucket = location.buckets.get(key);
    if (!bucket) {
      bucket = new Bucket(key, host.location, host.cluster, host.hypervisor, isActive(host));
      location.buckets.set(key, bucket);
    }
    return bucket;
  }

  private join(entry: Entry, group: string): void {
    entry.host.groupIds.add(group);
    let members = this.groups.get(group);
    if (!members) {
      members = new Set();
      this.groups.set(group, members);
    }
    members.add(entry);
  }

  private leave(entry: Entry, group: string): void {
    entry.host.groupIds.delete(group);
    const members = this.groups.get(group);
    members?.delete(entry);
    if (members?.size === 0) this.groups.delete(group);
  }
}

function copy(host: IndexedHost): HostCandidate {
  return { ...host, labels: { ...host.labels }, groupIds: new Set(host.groupIds) };
}
