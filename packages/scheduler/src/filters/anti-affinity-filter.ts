import type { HostCandidate, HostFilter, PlacementRequest } from '../types.ts';

function freeOfGroup(host: HostCandidate, request: PlacementRequest): boolean {
  const group = request.group;
  return group?.policy !== 'anti-affinity' || !host.groupIds.has(group.id);
}

/** Anti-affinity: no two machines of the group on one host. */
export const AntiAffinityFilter: HostFilter = {
  name: 'AntiAffinityFilter',
  rejects: {
    one: 'already holds a machine of the anti-affinity group',
    many: 'already hold a machine of the anti-affinity group',
  },
  accepts: freeOfGroup,
  passes: (host, request) =>
    freeOfGroup(host, request) || `already holds a machine of anti-affinity group ${request.group?.id}`,
};
