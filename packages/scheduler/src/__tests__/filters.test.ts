import { describe, expect, it } from 'vitest';
import {
  AffinityFilter,
  AntiAffinityFilter,
  CpuFilter,
  DiskFilter,
  EnabledFilter,
  FILTERS,
  HostHintFilter,
  HypervisorFilter,
  LabelFilter,
  LocationFilter,
  RamFilter,
} from '../filters/index.ts';
import type { HostCandidate, HostFilter, PlacementRequest } from '../types.ts';
import { host, request } from './fixtures.ts';

type Row = [label: string, host: HostCandidate, request: PlacementRequest, verdict: true | string];

/** Each row: the verdict `passes` gives, and `accepts` agreeing with it. */
function table(filter: HostFilter, rows: Row[]) {
  describe(filter.name, () => {
    it.each(rows)('%s', (_label, h, r, verdict) => {
      expect(filter.passes(h, r)).toBe(verdict);
      expect(filter.accepts(h, r)).toBe(verdict === true);
    });
  });
}

const GiB = 1024;

table(EnabledFilter, [
  ['healthy host', host({ name: 'h' }), request(), true],
  ['disabled', host({ name: 'h', enabled: false }), request(), 'disabled by an administrator'],
  ['in maintenance', host({ name: 'h', maintenance: true }), request(), 'in maintenance'],
  ['down', host({ name: 'h', up: false }), request(), 'down: its agent is not reporting'],
  [
    'disabled wins over maintenance',
    host({ name: 'h', enabled: false, maintenance: true }),
    request(),
    'disabled by an administrator',
  ],
]);

table(LocationFilter, [
  ['same location, any cluster', host({ name: 'h' }), request(), true],
  ['same location and cluster', host({ name: 'h' }), request({ cluster: 'a' }), true],
  ['null cluster means any', host({ name: 'h', cluster: null }), request({ cluster: null }), true],
  ['other location', host({ name: 'h', location: 'lyon' }), request(), 'in location lyon, not paris'],
  ['other cluster', host({ name: 'h' }), request({ cluster: 'b' }), 'in cluster a, not b'],
  ['no cluster', host({ name: 'h', cluster: null }), request({ cluster: 'b' }), 'in cluster (none), not b'],
]);

table(HostHintFilter, [
  ['no hint', host({ name: 'h' }), request(), true],
  ['the hinted host', host({ name: 'h' }), request({ hostHint: 'h' }), true],
  ['another host', host({ name: 'g' }), request({ hostHint: 'h' }), 'not the requested host (h)'],
]);

table(HypervisorFilter, [
  ['image boots anywhere', host({ name: 'h', hypervisor: 'xen' }), request(), true],
  ['supported', host({ name: 'h' }), request({ hypervisors: ['kvm', 'xen'] }), true],
  [
    'not supported',
    host({ name: 'h', hypervisor: 'esx' }),
    request({ hypervisors: ['kvm', 'xen'] }),
    'runs esx; the image supports kvm, xen',
  ],
]);

const ssd = host({ name: 'h', labels: { disk: 'ssd', gpu: 'a100' } });
table(LabelFilter, [
  ['nothing required', ssd, request(), true],
  ['empty requirement', ssd, request({ requiredLabels: {} }), true],
  ['all present', ssd, request({ requiredLabels: { disk: 'ssd', gpu: 'a100' } }), true],
  ['other value', ssd, request({ requiredLabels: { disk: 'hdd' } }), 'disk=ssd, not hdd'],
  ['missing', ssd, request({ requiredLabels: { zone: 'z1' } }), 'no label zone (zone=z1 required)'],
  [
    'inherited names do not count',
    ssd,
    request({ requiredLabels: { constructor: 'x' } }),
    'no label constructor (constructor=x required)',
  ],
]);

const holding = host({ name: 'h', groupIds: new Set(['g1']) });
const empty = host({ name: 'e' });
const affinity = (hasMembers: boolean) => request({ group: { id: 'g1', policy: 'affinity', hasMembers } });
const anti = request({ group: { id: 'g1', policy: 'anti-affinity', hasMembers: true } });
table(AffinityFilter, [
  ['no group', empty, request(), true],
  ['first member goes anywhere', empty, affinity(false), true],
  ['host holding the group', holding, affinity(true), true],
  ['host without the group', empty, affinity(true), 'holds no machine of affinity group g1'],
  ['anti-affinity is not its business', holding, anti, true],
]);

table(AntiAffinityFilter, [
  ['no group', holding, request(), true],
  ['host without the group', empty, anti, true],
  ['host holding the group', holding, anti, 'already holds a machine of anti-affinity group g1'],
  ['affinity is not its business', holding, affinity(true), true],
]);

// 32 cores × 4 = 128 vCPUs; 128 GiB × 1.5 = 192 GiB; 1 TiB × 1 disk.
const busy = host({
  name: 'h',
  ramAllocationRatio: 1.5,
  allocatedVcpus: 120,
  allocatedMemoryMiB: 188 * GiB,
  allocatedDiskGiB: 1000,
});
const over = host({ name: 'h', allocatedVcpus: 130, allocatedMemoryMiB: 130 * GiB, allocatedDiskGiB: 1030 });

table(CpuFilter, [
  ['fits', busy, request({ vcpus: 4 }), true],
  ['exactly fits', busy, request({ vcpus: 8 }), true],
  ['too many', busy, request({ vcpus: 9 }), 'only 8 vCPUs free, 9 vCPUs asked'],
  ['overcommitted', over, request({ vcpus: 1 }), 'no vCPUs free (overcommitted by 2 vCPUs), 1 vCPU asked'],
]);

table(RamFilter, [
  ['fits under the allocation ratio', busy, request({ memoryMiB: 4 * GiB }), true],
  ['too much', busy, request({ memoryMiB: 8 * GiB }), 'only 4 GiB of memory free, 8 GiB asked'],
  ['readable units', busy, request({ memoryMiB: 4 * GiB + 512 }), 'only 4 GiB of memory free, 4.5 GiB asked'],
  [
    'overcommitted',
    over,
    request({ memoryMiB: 512 }),
    'no memory free (overcommitted by 2 GiB), 512 MiB asked',
  ],
]);

table(DiskFilter, [
  ['fits', busy, request({ diskGiB: 24 }), true],
  ['too much', busy, request({ diskGiB: 40 }), 'only 24 GiB of disk free, 40 GiB asked'],
  [
    'terabytes',
    host({ name: 'h', diskGiB: 2048 }),
    request({ diskGiB: 3072 }),
    'only 2 TiB of disk free, 3 TiB asked',
  ],
  ['overcommitted', over, request({ diskGiB: 1 }), 'no disk free (overcommitted by 6 GiB), 1 GiB asked'],
]);

describe('the filter registry', () => {
  it('names each filter after its key', () => {
    for (const [name, filter] of Object.entries(FILTERS)) expect(filter.name).toBe(name);
  });
});
