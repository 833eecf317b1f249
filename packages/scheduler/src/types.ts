/** The virtualisation a host runs; an image lists those it can boot on. */
export type Hypervisor = 'kvm' | 'xen' | 'esx';

/** One host as the scheduler sees it: its capacity, what is already on it, and its state. */
export interface HostCandidate {
  id: string;
  name: string;
  location: string;
  cluster: string | null;
  hypervisor: Hypervisor;
  enabled: boolean;
  maintenance: boolean;
  up: boolean;
  /** Physical capacity. */
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
  /** Overcommit: what may be allocated is capacity × ratio (e.g. 16 for vCPUs, 1.5 for RAM, 1 for disk). */
  cpuAllocationRatio: number;
  ramAllocationRatio: number;
  diskAllocationRatio: number;
  allocatedVcpus: number;
  allocatedMemoryMiB: number;
  allocatedDiskGiB: number;
  labels: Readonly<Record<string, string>>;
  /** Placement groups that have at least one machine on this host. */
  groupIds: ReadonlySet<string>;
  machineCount: number;
}

export type PlacementPolicy = 'affinity' | 'anti-affinity';

export interface PlacementGroupRef {
  id: string;
  policy: PlacementPolicy;
  /** Whether the group already has machines somewhere (affinity then binds to their hosts). */
  hasMembers: boolean;
}

/** What one new machine needs. */
export interface PlacementRequest {
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
  location: string;
  cluster?: string | null;
  /** The hypervisors the image supports; empty means any. */
  hypervisors: readonly Hypervisor[];
  requiredLabels?: Readonly<Record<string, string>>;
  group?: PlacementGroupRef | null;
  /** An administrator's forced host id: only that host is considered, and it is still filtered. */
  hostHint?: string | null;
}

export type FilterName =
  | 'EnabledFilter'
  | 'LocationFilter'
  | 'HostHintFilter'
  | 'HypervisorFilter'
  | 'LabelFilter'
  | 'AffinityFilter'
  | 'AntiAffinityFilter'
  | 'CpuFilter'
  | 'RamFilter'
  | 'DiskFilter';

export type WeigherName = 'RamWeigher' | 'CpuWeigher' | 'DiskWeigher' | 'InstanceCountWeigher';

/**
 * A filter: one pure predicate. `passes` returns true or the reason, for
 * people, why the host cannot take the request; `accepts` is the same test
 * without building that sentence, for the loops that only count.
 */
export interface HostFilter {
  readonly name: FilterName;
  /** What the rejected hosts have in common, for summaries: '1 host lacks memory', '8 hosts lack memory'. */
  readonly rejects: { readonly one: string; readonly many: string };
  accepts(host: HostCandidate, request: PlacementRequest): boolean;
  passes(host: HostCandidate, request: PlacementRequest): true | string;
}

/** A weigher: one raw number per host, higher is better; the pipeline normalises and multiplies it. */
export interface HostWeigher {
  readonly name: WeigherName;
  weigh(host: HostCandidate, request: PlacementRequest): number;
}

export interface WeigherSetting {
  name: WeigherName;
  /** Positive prefers hosts with a high raw value (spread), negative a low one (pack). */
  weight: number;
}

export interface SchedulerConfig {
  /** Applied in this order; the explanation counts hosts after each. */
  filters: FilterName[];
  weighers: WeigherSetting[];
  /** How many best hosts the explanation shows (and HostIndex ranks); 5 unless set. */
  topCandidates?: number;
}

export interface FilterCount {
  name: string;
  /** Hosts left after this filter. */
  remaining: number;
}

export interface RejectedHost {
  hostId: string;
  hostName: string;
  filter: string;
  reason: string;
}

export interface ScoredHost {
  hostId: string;
  hostName: string;
  score: number;
  /** Each weigher's part of the score: its weight × its normalised value. */
  weights: Record<string, number>;
}

export interface Explanation {
  considered: number;
  passed: number;
  filters: FilterCount[];
  /** Examples of rejected hosts, a few per filter (the counts in `filters` are exact). */
  rejected: RejectedHost[];
  top: ScoredHost[];
  /** One sentence for people. */
  summary: string;
}

export interface PlacementDecision {
  hostId: string | null;
  explanation: Explanation;
  /**
   * Passing host ids, best first; the engine tries them in order when an atomic claim fails.
   * `placeMachine` lists every passing host, `HostIndex.place` the best `topCandidates`.
   */
  ranked: string[];
}
