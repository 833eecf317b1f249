import { describe, expect, it } from 'vitest';
import type { Host } from '../../../graphql/placement';
import { migrationTargets } from '../migration-targets';

const host = (name: string, over: Partial<Host> = {}): Host => ({
  id: name,
  name,
  providerId: 'p1',
  locationId: 'l',
  location: 'paris',
  cluster: null,
  hypervisor: 'KVM',
  vcpus: 8,
  memoryMiB: 16_384,
  diskGiB: 500,
  cpuAllocationRatio: 1,
  ramAllocationRatio: 1,
  diskAllocationRatio: 1,
  allocatedVcpus: 0,
  allocatedMemoryMiB: 0,
  allocatedDiskGiB: 0,
  enabled: true,
  maintenance: false,
  up: true,
  machines: [],
  otherMachines: 0,
  ...over,
});

const machine = {
  vcpus: 2,
  memoryMiB: 4096,
  diskGiB: 20,
  host: { id: 'here', name: 'here', cluster: null },
  provider: { id: 'p1', kind: 'local', name: 'Site' },
};

describe('migrationTargets', () => {
  it.each([
    ['a host with room', host('roomy'), null],
    ['a disabled host', host('off', { enabled: false }), 'Disabled by an administrator.'],
    [
      'a host in maintenance',
      host('maint', { maintenance: true }),
      'In maintenance: it takes no new machine.',
    ],
    ['a host that is down', host('down', { up: false }), 'Down.'],
    [
      'a host of another hypervisor',
      host('esx', { hypervisor: 'ESX' }),
      'Runs ESX; a running machine stays on KVM.',
    ],
    ['a host short of vCPUs', host('busy', { allocatedVcpus: 7 }), 'Only 1 vCPUs free, 2 needed.'],
    [
      'a host short of memory, ratios counted',
      host('full', { memoryMiB: 2048, ramAllocationRatio: 1.5 }),
      'Only 3 GiB of memory free, 4 GiB needed.',
    ],
    ['a host short of disk', host('small', { diskGiB: 10 }), 'Only 10 GiB of disk free, 20 GiB needed.'],
  ])('%s', (_case, candidate, blocker) => {
    const [target] = migrationTargets([host('here'), candidate], machine);
    expect(target?.blocker).toBe(blocker);
  });

  it('leaves out the machine’s own host and other providers’ hosts, and lists those that can take it first', () => {
    const targets = migrationTargets(
      [
        host('here'),
        host('b-full', { allocatedVcpus: 8 }),
        host('c'),
        host('a'),
        host('x', { providerId: 'p2' }),
      ],
      machine,
    );
    expect(targets.map((t) => t.host.name)).toEqual(['a', 'c', 'b-full']);
    expect(targets[0]?.free).toEqual({ vcpus: 8, memoryMiB: 16_384, diskGiB: 500 });
  });
});
