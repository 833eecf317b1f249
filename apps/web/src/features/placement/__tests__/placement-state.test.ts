import { describe, expect, it } from 'vitest';
import type { Host, PlacementChange } from '../../../graphql/placement';
import { applyPlacementChange, groupByCluster, mapRows, placementState } from '../placement-state';

const host = (id: string, cluster: string | null, machines: string[] = []): Host => ({
  id,
  name: id,
  providerId: 'p',
  locationId: 'l',
  location: 'paris',
  cluster,
  hypervisor: 'KVM',
  vcpus: 32,
  memoryMiB: 131072,
  diskGiB: 2000,
  cpuAllocationRatio: 4,
  ramAllocationRatio: 1.5,
  diskAllocationRatio: 1,
  allocatedVcpus: 0,
  allocatedMemoryMiB: 0,
  allocatedDiskGiB: 0,
  enabled: true,
  maintenance: false,
  up: true,
  otherMachines: 0,
  machines: machines.map((m) => ({
    id: m,
    name: m,
    state: 'STARTED',
    projectId: 'pr',
    projectName: 'Apollo',
    vcpus: 2,
    memoryMiB: 2048,
  })),
});

const change = (over: Partial<PlacementChange>): PlacementChange => ({
  kind: 'placed',
  machineId: 'm9',
  machineName: 'm9',
  state: 'CREATING',
  hostId: 'h1',
  previousHostId: null,
  projectId: 'pr',
  projectName: 'Apollo',
  at: '2026-01-01T00:00:00Z',
  ...over,
});

describe('applyPlacementChange', () => {
  const start = placementState([host('h1', 'a', ['m1']), host('h2', 'a', ['m2'])]);

  it.each([
    ['placed on a host', change({}), { h1: ['m1', 'm9'], h2: ['m2'] }],
    [
      'moved between hosts',
      change({ kind: 'moved', machineId: 'm1', machineName: 'm1', hostId: 'h2', previousHostId: 'h1' }),
      { h1: [], h2: ['m1', 'm2'] },
    ],
    [
      'removed',
      change({ kind: 'removed', machineId: 'm2', machineName: 'm2', hostId: 'h2' }),
      { h1: ['m1'], h2: [] },
    ],
    [
      'changed state in place',
      change({ kind: 'changed', machineId: 'm1', machineName: 'm1', state: 'STOPPED' }),
      { h1: ['m1'], h2: ['m2'] },
    ],
    ['on a host of another location', change({ hostId: 'elsewhere' }), { h1: ['m1'], h2: ['m2'] }],
  ])('%s', (_label, input, expected) => {
    const next = applyPlacementChange(start, input);
    const names = Object.fromEntries(next.hosts.map((h) => [h.id, h.machines.map((m) => m.id)]));
    expect(names).toEqual(expected);
  });

  it('keeps the size of a machine that changes state, and redraws only its host', () => {
    const next = applyPlacementChange(
      start,
      change({ kind: 'changed', machineId: 'm1', machineName: 'm1', state: 'STOPPED' }),
    );
    expect(next.hosts[0]?.machines[0]).toMatchObject({ state: 'STOPPED', vcpus: 2 });
    expect(next.hosts[1]).toBe(start.hosts[1]);
  });

  it('follows a machine that moved without saying where from', () => {
    const next = applyPlacementChange(start, change({ kind: 'changed', machineId: 'm1', hostId: 'h2' }));
    expect(next.where.get('m1')).toBe('h2');
    expect(next.hosts[0]?.machines).toEqual([]);
  });
});

describe('mapRows', () => {
  it('puts a title before each cluster and its hosts in rows of the column count', () => {
    const groups = groupByCluster([host('h1', 'a'), host('h2', 'a'), host('h3', 'a'), host('h4', 'b')]);
    expect(
      mapRows(groups, 2).map((r) => (r.kind === 'cluster' ? r.name : r.hosts.map((h) => h.id).join())),
    ).toEqual(['a', 'h1,h2', 'h3', 'b', 'h4']);
  });
});
