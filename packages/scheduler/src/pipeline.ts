import { configuredFilters, configuredWeighers, DEFAULT_SCHEDULER_CONFIG, topCandidates } from './config.ts';
import { RejectionLog } from './explanation.ts';
import { compareScored, normalisation, scoredHost, scoreOf } from './scoring.ts';
import type { HostCandidate, PlacementDecision, PlacementRequest, SchedulerConfig } from './types.ts';

/**
 * The whole pipeline over a list of hosts, as Nova does it: every host through
 * the filters in order (the first that rejects it is recorded, with its
 * reason), the survivors weighed, normalised and ranked; ties go to the host
 * name. Linear in the number of hosts; see HostIndex for many placements
 * against a large, slowly changing fleet.
 */
export function placeMachine(
  hosts: readonly HostCandidate[],
  request: PlacementRequest,
  config: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG,
): PlacementDecision {
  const filters = configuredFilters(config);
  const log = new RejectionLog(filters, request);
  const passing: HostCandidate[] = [];
  for (const host of hosts) {
    const failed = filters.findIndex((filter) => !filter.accepts(host, request));
    if (failed < 0) passing.push(host);
    else log.reject(failed, host);
  }
  const plans = configuredWeighers(config);
  const norm = normalisation(plans, passing, request);
  const scored = passing.map((host) => ({ host, score: scoreOf(host, request, plans, norm) }));
  scored.sort(compareScored);
  const top = scored
    .slice(0, topCandidates(config))
    .map(({ host, score }) => scoredHost(host, score, request, plans, norm));
  return {
    hostId: scored[0]?.host.id ?? null,
    explanation: log.explain(hosts.length, top),
    ranked: scored.map(({ host }) => host.id),
  };
}
