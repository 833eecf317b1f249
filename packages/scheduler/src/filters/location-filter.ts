import type { HostCandidate, HostFilter, PlacementRequest } from '../types.ts';

function inPlace(host: HostCandidate, request: PlacementRequest): boolean {
  return host.location === request.location && (request.cluster == null || host.cluster === request.cluster);
}

/** The machine's location and, when the request names one, its cluster. */
export const LocationFilter: HostFilter = {
  name: 'LocationFilter',
  rejects: { one: 'is in another location or cluster', many: 'are in another location or cluster' },
  accepts: inPlace,
  passes(host, request) {
    if (host.location !== request.location) return `in location ${host.location}, not ${request.location}`;
    if (!inPlace(host, request)) return `in cluster ${host.cluster ?? '(none)'}, not ${request.cluster}`;
    return true;
  },
};
