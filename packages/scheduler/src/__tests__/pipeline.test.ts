import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULER_CONFIG } from '../config.ts';
import { placeMachine } from '../pipeline.ts';
import type { HostCandidate } from '../types.ts';
import { host, request } from './fixtures.ts';

const GiB = 1024;
/** Free memory in GiB out of 128. */
const withFree = (name: string, free: number, extra: Partial<HostCandidate> = {}) =>
  host({ name, allocatedMemoryMiB: (128 - free) * GiB, ...extra });

describe('placement groups', () => {
  const fleet = [withFree('a', 100), withFree('b', 50, { groupIds: new Set(['g']) }), withFree('c', 80)];

  it('affinity: once the group has members, only hosts holding it', () => {
    const decision = placeMachine(
      fleet,
      request({ group: { id: 'g', policy: 'affinity', hasMembers: true } }),
    );
    expect(decision.hostId).toBe('b');
    expect(decision.ranked).toEqual(['b']);
  });

  it('affinity: the first member goes to the best host', () => {
    const decision = placeMachine(
      fleet,
      request({ group: { id: 'g', policy: 'affinity', hasMembers: false } }),
    );
    expect(decision.hostId).toBe('a');
  });

  it('affinity: no room on the group host means no placement', () => {
    const full = [withFree('a', 100), withFree('b', 2, { groupIds: new Set(['g']) })];
    const decision = placeMachine(
      full,
      request({ group: { id: 'g', policy: 'affinity', hasMembers: true } }),
    );
    expect(decision.hostId).toBeNull();
    expect(decision.explanation.summary).toBe(
      'No host in paris can take 2 vCPUs, 4 GiB of memory and 20 GiB of disk: 1 host lacks memory (RamFilter left none), 1 holds no machine of the affinity group (AffinityFilter).',
    );
  });

  it('anti-affinity: never a host that already holds the group', () => {
    const decision = placeMachine(
      fleet,
      request({ group: { id: 'g', policy: 'anti-affinity', hasMembers: true } }),
    );
    expect(decision.ranked).toEqual(['a', 'c']);
    expect(decision.explanation.rejected).toEqual([
      {
        hostId: 'b',
        hostName: 'b',
        filter: 'AntiAffinityFilter',
        reason: 'already holds a machine of anti-affinity group g',
      },
    ]);
  });

  it('anti-affinity: a group already on every host cannot grow', () => {
    const spread = fleet.map((h) => ({ ...h, groupIds: new Set(['g']) }));
    const decision = placeMachine(
      spread,
      request({ group: { id: 'g', policy: 'anti-affinity', hasMembers: true } }),
    );
    expect(decision.hostId).toBeNull();
    expect(decision.explanation.summary).toContain(
      '3 hosts already hold a machine of the anti-affinity group',
    );
  });
});

describe('the explanation', () => {
  const fleet = [
    ...[1, 2, 3, 4].map((i) => withFree(`m${i}`, 120, { maintenance: true })),
    ...[1, 2, 3].map((i) => withFree(`s${i}`, 100)),
    withFree('elsewhere', 120, { location: 'lyon' }),
  ];
  const big = request({ vcpus: 64, memoryMiB: 512 * GiB });

  it('says which filter left no host, then the others by count', () => {
    const decision = placeMachine(fleet, big);
    expect(decision.hostId).toBeNull();
    expect(decision.ranked).toEqual([]);
    expect(decision.explanation.summary).toBe(
      'No host in paris can take 64 vCPUs, 512 GiB of memory and 20 GiB of disk: 3 hosts lack memory (RamFilter left none), 4 are disabled, in maintenance or down (EnabledFilter), 1 is in another location or cluster (LocationFilter).',
    );
  });

  it('counts the hosts left after each filter', () => {
    const { explanation } = placeMachine(fleet, big);
    expect(explanation.considered).toBe(8);
    expect(explanation.passed).toBe(0);
    expect(explanation.filters).toEqual([
      { name: 'LocationFilter', remaining: 7 },
      { name: 'HostHintFilter', remaining: 7 },
      { name: 'EnabledFilter', remaining: 3 },
      { name: 'HypervisorFilter', remaining: 3 },
      { name: 'LabelFilter', remaining: 3 },
      { name: 'AffinityFilter', remaining: 3 },
      { name: 'AntiAffinityFilter', remaining: 3 },
      { name: 'CpuFilter', remaining: 3 },
      { name: 'RamFilter', remaining: 0 },
      { name: 'DiskFilter', remaining: 0 },
    ]);
    expect(explanation.rejected.find((r) => r.hostName === 's1')).toEqual({
      hostId: 's1',
      hostName: 's1',
      filter: 'RamFilter',
      reason: 'only 100 GiB of memory free, 512 GiB asked',
    });
  });

  it('summarises a placement', () => {
    const decision = placeMachine(fleet, request());
    expect(decision.hostId).toBe('s1');
    expect(decision.explanation.summary).toBe(
      'Placed on s1 (score 0.00), the best of 3 hosts that can take it, out of 8.',
    );
  });

  it('names the cluster, and says when there are no hosts at all', () => {
    expect(placeMachine([], request({ cluster: 'b' })).explanation.summary).toBe(
      'No host in paris/b can take 2 vCPUs, 4 GiB of memory and 20 GiB of disk: there are no hosts.',
    );
  });

  it('keeps a few examples per filter but exact counts', () => {
    const crowd = Array.from({ length: 40 }, (_, i) => withFree(`x${i}`, 1));
    const { explanation } = placeMachine(crowd, request());
    expect(explanation.filters.at(-2)).toEqual({ name: 'RamFilter', remaining: 0 });
    expect(explanation.rejected).toHaveLength(10);
    expect(explanation.summary).toContain('40 hosts lack memory');
  });

  it('shows the top candidates with their weights', () => {
    const { explanation } = placeMachine(
      [withFree('a', 100), withFree('b', 50), withFree('c', 80, { machineCount: 3 })],
      request(),
    );
    // c: 0.6 for memory, 0 for its 3 machines; b: 0 for memory, 0.5 for having none.
    expect(explanation.top.map((t) => [t.hostName, t.score])).toEqual([
      ['a', 1.5],
      ['c', 0.6],
      ['b', 0.5],
    ]);
    expect(explanation.top[0]).toEqual({
      hostId: 'a',
      hostName: 'a',
      score: 1.5,
      weights: { RamWeigher: 1, CpuWeigher: 0, InstanceCountWeigher: 0.5 },
    });
    expect(DEFAULT_SCHEDULER_CONFIG.topCandidates).toBe(5);
  });
});

describe('host hint', () => {
  const fleet = [withFree('a', 100), withFree('b', 20), withFree('c', 60)];

  it('places on the hinted host even when others are better', () => {
    const decision = placeMachine(fleet, request({ hostHint: 'b' }));
    expect(decision.hostId).toBe('b');
    expect(decision.explanation.filters[1]).toEqual({ name: 'HostHintFilter', remaining: 1 });
  });

  it('still filters the hinted host', () => {
    const decision = placeMachine(
      fleet.map((h) => (h.id === 'b' ? { ...h, maintenance: true } : h)),
      request({ hostHint: 'b' }),
    );
    expect(decision.hostId).toBeNull();
    expect(decision.explanation.summary).toBe(
      'No host in paris can take 2 vCPUs, 4 GiB of memory and 20 GiB of disk: 1 host is disabled, in maintenance or down (EnabledFilter left none), 2 are not the requested host (HostHintFilter).',
    );
  });

  it('finds nothing when the hinted host does not exist', () => {
    expect(placeMachine(fleet, request({ hostHint: 'zz' })).hostId).toBeNull();
  });
});
