import type { WeigherPlan } from './config.ts';
import type { HostCandidate, PlacementRequest, ScoredHost } from './types.ts';

/*
 * Nova's normalisation: each weigher's raw values are mapped to 0..1 over the
 * hosts that passed the filters (min-max; all 0 when they are all equal),
 * multiplied by the weigher's weight and summed in the configured order. Both
 * placeMachine and HostIndex score through these functions so that they
 * compute bit-identical scores.
 */

/** Per weigher, the least raw value over the passing hosts and max − min. */
export interface Normalisation {
  readonly min: readonly number[];
  readonly range: readonly number[];
}

/** One weigher's contribution to a score. Monotonic in `raw` (non-decreasing for weight ≥ 0). */
export function termOf(weight: number, raw: number, min: number, range: number): number {
  return range > 0 ? weight * ((raw - min) / range) : weight * 0;
}

export function normalisation(
  plans: readonly WeigherPlan[],
  hosts: readonly HostCandidate[],
  request: PlacementRequest,
): Normalisation {
  const min: number[] = [];
  const range: number[] = [];
  for (const { weigher } of plans) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const host of hosts) {
      const raw = weigher.weigh(host, request);
      if (raw < lo) lo = raw;
      if (raw > hi) hi = raw;
    }
    min.push(lo);
    range.push(hosts.length > 0 ? hi - lo : 0);
  }
  return { min, range };
}

export function scoreOf(
  host: HostCandidate,
  request: PlacementRequest,
  plans: readonly WeigherPlan[],
  norm: Normalisation,
): number {
  let score = 0;
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!;
    score += termOf(plan.weight, plan.weigher.weigh(host, request), norm.min[i]!, norm.range[i]!);
  }
  return score;
}

/** The explanation's view of one scored host: its score and each weigher's part of it. */
export function scoredHost(
  host: HostCandidate,
  score: number,
  request: PlacementRequest,
  plans: readonly WeigherPlan[],
  norm: Normalisation,
): ScoredHost {
  const weights: Record<string, number> = {};
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!;
    const term = termOf(plan.weight, plan.weigher.weigh(host, request), norm.min[i]!, norm.range[i]!);
    weights[plan.weigher.name] = (weights[plan.weigher.name] ?? 0) + term;
  }
  return { hostId: host.id, hostName: host.name, score, weights };
}

/** The deterministic tie-break: by name, then id. */
export function compareHosts(a: HostCandidate, b: HostCandidate): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** Best first: higher score, then the tie-break. */
export function compareScored(
  a: { readonly host: HostCandidate; readonly score: number },
  b: { readonly host: HostCandidate; readonly score: number },
): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  return compareHosts(a.host, b.host);
}
