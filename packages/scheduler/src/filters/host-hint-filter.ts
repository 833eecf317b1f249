import type { HostCandidate, HostFilter, PlacementRequest } from '../types.ts';

function isHinted(host: HostCandidate, request: PlacementRequest): boolean {
  return request.hostHint == null || host.id === request.hostHint;
}

/** An administrator's forced host: every other host is left out; that one still meets the other filters. */
export const HostHintFilter: HostFilter = {
  name: 'HostHintFilter',
  rejects: { one: 'is not the requested host', many: 'are not the requested host' },
  accepts: isHinted,
  passes: (host, request) => isHinted(host, request) || `not the requested host (${request.hostHint})`,
};
