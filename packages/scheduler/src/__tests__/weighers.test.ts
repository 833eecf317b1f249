import { describe, expect, it } from 'vitest';
import { placeMachine } from '../pipeline.ts';
import type {
  HostCandidate,
  HostWeigher,
  PlacementRequest,
  SchedulerConfig,
  WeigherSetting,
} from '../types.ts';
import { CpuWeigher, DiskWeigher, InstanceCountWeigher, RamWeigher } from '../weighers/index.ts';
import { host, request } from './fixtures.ts';

const GiB = 1024;
const ALL_FILTERS: SchedulerConfig['filters'] = [
  'LocationFilter',
  'EnabledFilter',
  'CpuFilter',
  'RamFilter',
  'DiskFilter',
];
const config = (...weighers: WeigherSetting[]): SchedulerConfig => ({ filters: ALL_FILTERS, weighers });

describe('raw weights', () => {
  // 32 cores × 4 = 128 vCPUs, 128 GiB × 1.5 = 192 GiB, 1 TiB.
  const h = host({
    name: 'h',
    ramAllocationRatio: 1.5,
    allocatedVcpus: 28,
    allocatedMemoryMiB: 92 * GiB,
    allocatedDiskGiB: 24,
    machineCount: 7,
  });
  const r = request({ vcpus: 4, memoryMiB: 4 * GiB, diskGiB: 100 });
  const rows: [HostWeigher, HostCandidate, PlacementRequest, number][] = [
    [RamWeigher, h, r, 96 * GiB],
    [CpuWeigher, h, r, 96],
    [DiskWeigher, h, r, 900],
    [InstanceCountWeigher, h, r, -7],
  ];
  it.each(rows)('%o', (weigher, hh, rr, expected) => {
    expect(weigher.weigh(hh, rr)).toBe(expected);
  });
});

describe('normalisation and weights', () => {
  // Free memory 10, 20, 30 GiB (4 GiB asked: 6, 16, 26 after the placement).
  const hosts = [10, 20, 30].map((free, i) =>
    host({ name: `h${i}`, memoryMiB: 64 * GiB, allocatedMemoryMiB: (64 - free) * GiB }),
  );

  it('maps each weigher to 0..1 over the passing hosts, then multiplies by its weight', () => {
    const decision = placeMachine(hosts, request(), config({ name: 'RamWeigher', weight: 2 }));
    expect(decision.explanation.top.map((t) => [t.hostName, t.score])).toEqual([
      ['h2', 2],
      ['h1', 1],
      ['h0', 0],
    ]);
    expect(decision.explanation.top[1]!.weights).toEqual({ RamWeigher: 1 });
  });

  it('normalises over the hosts that passed, not over all of them', () => {
    const tooSmall = host({ name: 'h-tiny', memoryMiB: 64 * GiB, allocatedMemoryMiB: 62 * GiB });
    const decision = placeMachine([...hosts, tooSmall], request(), config({ name: 'RamWeigher', weight: 1 }));
    expect(decision.explanation.top.map((t) => t.score)).toEqual([1, 0.5, 0]);
  });

  it('spread prefers the emptiest host, pack the fullest that fits', () => {
    expect(placeMachine(hosts, request(), config({ name: 'RamWeigher', weight: 1 })).hostId).toBe('h2');
    expect(placeMachine(hosts, request(), config({ name: 'RamWeigher', weight: -1 })).hostId).toBe('h0');
  });

  it('adds weighers: the heavier one decides', () => {
    // h0: most free vCPUs, least free memory; h2 the reverse.
    const mixed = hosts.map((h, i) => ({ ...h, allocatedVcpus: 40 * i }));
    const ram = { name: 'RamWeigher', weight: 1 } as const;
    expect(placeMachine(mixed, request(), config(ram, { name: 'CpuWeigher', weight: 2 })).hostId).toBe('h0');
    expect(
      placeMachine(mixed, request(), config({ ...ram, weight: 3 }, { name: 'CpuWeigher', weight: 2 })).hostId,
    ).toBe('h2');
  });

  it('prefers hosts with fewer machines with InstanceCountWeigher', () => {
    const counted = hosts.map((h, i) => ({ ...h, machineCount: 10 - i }));
    const decision = placeMachine(counted, request(), config({ name: 'InstanceCountWeigher', weight: 1 }));
    expect(decision.ranked).toEqual(['h2', 'h1', 'h0']);
  });

  it('gives 0 to a weigher on which all hosts are equal, and breaks ties by name', () => {
    const same = ['c', 'a', 'b'].map((name) => host({ name }));
    const decision = placeMachine(same, request(), config({ name: 'RamWeigher', weight: 1 }));
    expect(decision.ranked).toEqual(['a', 'b', 'c']);
    expect(decision.explanation.top.map((t) => t.score)).toEqual([0, 0, 0]);
  });
});
