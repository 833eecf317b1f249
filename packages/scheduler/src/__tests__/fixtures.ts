import type { HostCandidate, PlacementRequest } from '../types.ts';

/** A healthy, empty kvm host in paris with 32 cores (×4), 128 GiB (×1) and 1 TiB of disk (×1). */
export function host(overrides: Partial<HostCandidate> & { name: string }): HostCandidate {
  return {
    id: overrides.name,
    location: 'paris',
    cluster: 'a',
    hypervisor: 'kvm',
    enabled: true,
    maintenance: false,
    up: true,
    vcpus: 32,
    memoryMiB: 128 * 1024,
    diskGiB: 1024,
    cpuAllocationRatio: 4,
    ramAllocationRatio: 1,
    diskAllocationRatio: 1,
    allocatedVcpus: 0,
    allocatedMemoryMiB: 0,
    allocatedDiskGiB: 0,
    labels: {},
    groupIds: new Set(),
    machineCount: 0,
    ...overrides,
  };
}

/** 2 vCPUs, 4 GiB, 20 GiB in paris, any hypervisor. */
export function request(overrides: Partial<PlacementRequest> = {}): PlacementRequest {
  return { vcpus: 2, memoryMiB: 4096, diskGiB: 20, location: 'paris', hypervisors: [], ...overrides };
}

/** mulberry32: a small seeded PRNG, floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
