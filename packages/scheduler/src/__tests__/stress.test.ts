import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULER_CONFIG } from '../config.ts';
import { HostIndex } from '../host-index/host-index.ts';
import { placeMachine } from '../pipeline.ts';
import type {
  FilterName,
  HostCandidate,
  Hypervisor,
  PlacementDecision,
  PlacementRequest,
  SchedulerConfig,
  WeigherName,
} from '../types.ts';
import { host, pick, prng, request } from './fixtures.ts';

const GiB = 1024;
const LOCATIONS = ['paris', 'lyon', 'berlin'];
const CLUSTERS = ['a', 'b', null];
const HYPERVISORS: Hypervisor[] = ['kvm', 'xen', 'esx'];
const PROFILES = [
  { vcpus: 32, memoryMiB: 128 * GiB, diskGiB: 1024 },
  { vcpus: 64, memoryMiB: 256 * GiB, diskGiB: 2048 },
  { vcpus: 16, memoryMiB: 64 * GiB, diskGiB: 512 },
];

/** A fleet with many ties: few profiles, coarse allocations, sometimes all alike. */
function randomFleet(random: () => number, size: number): HostCandidate[] {
  const alike = random() < 0.15;
  const coarse = random() < 0.5;
  return Array.from({ length: size }, (_, i) => {
    const profile = alike ? PROFILES[0]! : pick(random, PROFILES);
    const used = alike ? 0 : coarse ? Math.floor(random() * 5) / 4 : random();
    const cpuRatio = pick(random, [1, 4, 16]);
    const ramRatio = pick(random, [1, 1.5]);
    return host({
      id: `id-${i}`,
      // Some duplicate names: the tie-break then falls to the id.
      name: random() < 0.05 ? 'dup' : `host-${Math.floor(random() * 10 * size)}`,
      location: alike ? 'paris' : pick(random, LOCATIONS),
      cluster: alike ? 'a' : pick(random, CLUSTERS),
      hypervisor: alike ? 'kvm' : pick(random, HYPERVISORS),
      enabled: random() > 0.05,
      maintenance: random() < 0.05,
      up: random() > 0.03,
      ...profile,
      cpuAllocationRatio: cpuRatio,
      ramAllocationRatio: ramRatio,
      allocatedVcpus: Math.round(profile.vcpus * cpuRatio * used),
      allocatedMemoryMiB: coarse ? profile.memoryMiB * ramRatio * used : Math.round(profile.memoryMiB * used),
      allocatedDiskGiB: Math.round(profile.diskGiB * used * random()),
      labels: random() < 0.5 ? { disk: pick(random, ['ssd', 'hdd']) } : {},
      groupIds: new Set(random() < 0.1 ? [pick(random, ['g1', 'g2'])] : []),
      machineCount: alike ? 0 : Math.floor(random() * 6),
    });
  });
}

function randomRequest(random: () => number, hosts: readonly HostCandidate[]): PlacementRequest {
  const big = random() < 0.1;
  const group = random() < 0.2 ? pick(random, ['g1', 'g2']) : null;
  return request({
    vcpus: big ? 200 : pick(random, [1, 2, 4, 8, 16]),
    memoryMiB: (big ? 300 : pick(random, [1, 2, 4, 8, 32, 64])) * GiB,
    diskGiB: pick(random, [0, 20, 80, 400]),
    location: random() < 0.95 ? pick(random, LOCATIONS) : 'nowhere',
    cluster: random() < 0.2 ? pick(random, CLUSTERS) : undefined,
    hypervisors: random() < 0.5 ? [] : HYPERVISORS.filter(() => random() < 0.5),
    requiredLabels: random() < 0.15 ? { disk: 'ssd' } : undefined,
    group: group
      ? { id: group, policy: random() < 0.5 ? 'affinity' : 'anti-affinity', hasMembers: random() < 0.7 }
      : null,
    hostHint: random() < 0.05 && hosts.length > 0 ? pick(random, hosts).id : null,
  });
}

const WEIGHER_NAMES: WeigherName[] = ['RamWeigher', 'CpuWeigher', 'DiskWeigher', 'InstanceCountWeigher'];

/** Half the time the default; otherwise random weights (zero and negative too) and filter orders. */
function randomConfig(random: () => number): SchedulerConfig {
  if (random() < 0.5) return DEFAULT_SCHEDULER_CONFIG;
  const filters = DEFAULT_SCHEDULER_CONFIG.filters.filter(() => random() < 0.85);
  if (random() < 0.3) filters.sort(() => random() - 0.5);
  const weighers = WEIGHER_NAMES.filter(() => random() < 0.6).map((name) => ({
    name,
    weight: pick(random, [1, 2, 0.5, -1, 0, 0.3]),
  }));
  return { filters: filters as FilterName[], weighers, topCandidates: pick(random, [1, 3, 5]) };
}

/** What the index must share with the pipeline: everything but the examples, and `ranked` cut to the top. */
function comparable(decision: PlacementDecision, top: number) {
  const { rejected: _examples, ...explanation } = decision.explanation;
  return { hostId: decision.hostId, ranked: decision.ranked.slice(0, top), explanation };
}

function expectSame(index: HostIndex, r: PlacementRequest, config: SchedulerConfig) {
  const top = config.topCandidates ?? 5;
  const fromIndex = index.place(r);
  const fromPipeline = placeMachine(index.hosts(), r, config);
  expect(comparable(fromIndex, top)).toEqual(comparable(fromPipeline, top));
  // The examples are real rejections, each under the filter that counted it.
  const counted = new Map(
    fromPipeline.explanation.filters.map((f, i, all) => [
      f.name,
      (all[i - 1]?.remaining ?? fromPipeline.explanation.considered) - f.remaining,
    ]),
  );
  for (const example of fromIndex.explanation.rejected)
    expect(counted.get(example.filter)).toBeGreaterThan(0);
  return fromIndex;
}

describe('HostIndex and placeMachine agree', () => {
  it.only('on seeded random fleets, requests and configurations, through claims, releases and updates', () => {
    let placements = 0;
    for (let seed = 1; seed <= 1200; seed++) {
      const random = prng(seed);
      const size = pick(random, [0, 1, 5, 40, 300, 700, 1500]);
      const fleet = randomFleet(random, size);
      const config = randomConfig(random);
      const index = new HostIndex(fleet, config);
      const checksCapacity = ['CpuFilter', 'RamFilter', 'DiskFilter'].every((f) =>
        config.filters.includes(f as FilterName),
      );
      const claimed: { hostId: string; request: PlacementRequest }[] = [];
      for (let step = 0; step < 25; step++) {
        const r = randomRequest(random, fleet);
        const decision = expectSame(index, r, config);
        placements++;
        if (decision.hostId && random() < 0.8) {
          // A claim re-checks capacity; it can only fail when the config skips a capacity filter.
          const claimedIt = index.claim(decision.hostId, r);
          if (checksCapacity) expect(claimedIt).toBe(true);
          if (claimedIt) claimed.push({ hostId: decision.hostId, request: r });
        }
        const roll = random();
        if (roll < 0.1 && claimed.length > 0) {
          const { hostId, request: old } = claimed.splice(Math.floor(random() * claimed.length), 1)[0]!;
          index.release(hostId, old);
        } else if (roll < 0.15 && fleet.length > 0) {
          const changed = pick(random, fleet);
          index.upsert({ ...changed, maintenance: !changed.maintenance, allocatedVcpus: 0 });
        } else if (roll < 0.18 && fleet.length > 0) {
          index.remove(pick(random, fleet).id);
        }
      }
    }
    
  });

  it('on a fresh fleet of identical hosts: by name, one after the other', () => {
    const fleet = Array.from({ length: 1000 }, (_, i) => host({ name: `n${String(i).padStart(4, '0')}` }));
    const index = new HostIndex(fleet);
    for (let i = 0; i < 20; i++) {
      const decision = expectSame(index, request(), DEFAULT_SCHEDULER_CONFIG);
      expect(decision.hostId).toBe(`n${String(i).padStart(4, '0')}`);
      index.claim(decision.hostId!, request());
    }
  });

  it('when most hosts fall short and the walks must go far', () => {
    const random = prng(99);
    const fleet = Array.from({ length: 2000 }, (_, i) =>
      host({
        name: `h${i}`,
        allocatedMemoryMiB: random() < 0.97 ? 127 * GiB : Math.floor(random() * 100) * GiB,
        machineCount: i % 7,
      }),
    );
    const index = new HostIndex(fleet);
    for (let i = 0; i < 30; i++) {
      const decision = expectSame(index, request({ memoryMiB: 8 * GiB }), DEFAULT_SCHEDULER_CONFIG);
      if (decision.hostId) index.claim(decision.hostId, request({ memoryMiB: 8 * GiB }));
    }
  });
});

describe('HostIndex claims', () => {
  const fleet = [host({ name: 'big', memoryMiB: 64 * GiB }), host({ name: 'small', memoryMiB: 40 * GiB })];
  const r = request({ memoryMiB: 24 * GiB });

  it('does not choose again a host that no longer fits', () => {
    const index = new HostIndex(fleet);
    expect(index.place(r).hostId).toBe('big');
    expect(index.claim('big', r)).toBe(true); // 40 GiB left on big, 40 on small
    expect(index.place(r).hostId).toBe('small'); // same memory, fewer machines
    expect(index.claim('small', r)).toBe(true); // 16 GiB left: r no longer fits
    expect(index.place(r).hostId).toBe('big');
    expect(index.claim('big', r)).toBe(true);
    const none = index.place(r);
    expect(none.hostId).toBeNull();
    expect(none.explanation.summary).toContain('2 hosts lack memory (RamFilter left none)');
    expect(index.claim('big', r)).toBe(false);
  });

  it('gives the capacity back on release, and records groups', () => {
    const index = new HostIndex(fleet);
    const grouped = { ...r, group: { id: 'g', policy: 'anti-affinity', hasMembers: false } } as const;
    index.claim('big', grouped);
    expect(index.get('big')).toMatchObject({ allocatedMemoryMiB: 24 * GiB, machineCount: 1 });
    expect(index.place({ ...grouped, group: { ...grouped.group, hasMembers: true } }).hostId).toBe('small');
    index.release('big', grouped);
    expect(index.get('big')).toMatchObject({ allocatedMemoryMiB: 0, machineCount: 0, groupIds: new Set() });
    expect(index.place(grouped).hostId).toBe('big');
  });

  it('follows upserts and removals', () => {
    const index = new HostIndex(fleet);
    index.upsert({ ...fleet[0]!, maintenance: true });
    expect(index.place(r).hostId).toBe('small');
    index.remove('small');
    expect(index.size).toBe(1);
    expect(index.place(r).explanation.summary).toContain('1 host is disabled, in maintenance or down');
  });
});
