import type { HostCandidate, HostFilter, PlacementRequest } from '../types.ts';

function holdsGroupIfBound(host: HostCandidate, request: PlacementRequest): boolean {
  const group = request.group;
  if (group?.policy !== 'affinity' || !group.hasMembers) return true;
  return host.groupIds.has(group.id);
}

/** Affinity: once the group has machines, its next ones go to a host that already holds some. */
export const AffinityFilter: HostFilter = {
  name: 'AffinityFilter',
  rejects: {
    one: 'holds no machine of the affinity group',
    many: 'hold no machine of the affinity group',
  },
  accepts: holdsGroupIfBound,
  passes: (host, request) =>
    holdsGroupIfBound(host, request) || `holds no machine of affinity group ${request.group?.id}`,
};
