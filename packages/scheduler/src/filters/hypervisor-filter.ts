import type { HostCandidate, HostFilter, PlacementRequest } from '../types.ts';

function supported(host: HostCandidate, request: PlacementRequest): boolean {
  return request.hypervisors.length === 0 || request.hypervisors.includes(host.hypervisor);
}

/** The image must boot on the host's hypervisor; an image that lists none boots anywhere. */
export const HypervisorFilter: HostFilter = {
  name: 'HypervisorFilter',
  rejects: {
    one: 'runs a hypervisor the image does not support',
    many: 'run a hypervisor the image does not support',
  },
  accepts: supported,
  passes: (host, request) =>
    supported(host, request) ||
    `runs ${host.hypervisor}; the image supports ${request.hypervisors.join(', ')}`,
};
