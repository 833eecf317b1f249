import type { WeigherPlan } from '../config.ts';
import { compareHosts, compareScored, type Normalisation, scoreOf, termOf } from '../scoring.ts';
import type { PlacementRequest, WeigherName } from '../types.ts';
import type { Census } from './census.ts';
import { DISK, type Entry, MACHINES, MEMORY, type SortKey, VCPUS } from './entry.ts';
import { type Direction, Walk } from './walk.ts';

/*
 * Ranking without scoring every host: Fagin's threshold algorithm.
 *
 * Every built-in weigher is monotonic in one sort key (free memory, free
 * vCPUs, free disk: increasing; machine count: decreasing), so each weigher
 * with a weight has a walk that meets hosts best term first. The walks advance
 * in turn; each host met is filtered and scored in full; the sum of the terms
 * at the walks' heads bounds the score of every host not met yet (floating
 * point rounding is monotonic, and the sum is taken in the same order as the
 * scores are). The search stops once the k-th best score beats that bound —
 * or equals it and no host not met yet can win the tie on name (see
 * `cannotTie`). Normalisation needs each weigher's least and greatest value
 * over the passing hosts: the first passing host from either end of its walk.
 */

/** Which sort key each weigher is monotonic in, and which way. */
const MONOTONIC: Readonly<Record<WeigherName, { key: SortKey; increasing: boolean }>> = {
  RamWeigher: { key: MEMORY, increasing: true },
  CpuWeigher: { key: VCPUS, increasing: true },
  DiskWeigher: { key: DISK, increasing: true },
  InstanceCountWeigher: { key: MACHINES, increasing: false },
};

export interface Ranked {
  readonly entry: Entry;
  readonly host: Entry['host'];
  readonly score: number;
}

interface Context {
  readonly census: Census;
  readonly plans: readonly WeigherPlan[];
  readonly request: PlacementRequest;
}

function walk(ctx: Context, key: SortKey, direction: Direction): Walk {
  const lists = ctx.census.eligible.map((bucket) => bucket.lists[key]);
  // Walking up a capacity key, hosts below the request's size fail: start past them.
  const capacity = ctx.census.checks.find((c) => c.key === key);
  return new Walk(lists, key, direction, direction === 'up' && capacity ? capacity.threshold : undefined);
}

function firstPassing(ctx: Context, w: Walk): Entry | undefined {
  for (let entry = w.head; entry; w.advance(), entry = w.head) if (ctx.census.accepts(entry)) return entry;
  return undefined;
}

interface Walked {
  readonly plan: number;
  readonly walk: Walk;
}

/** The best `k` passing hosts, best first, and the normalisation; null when the index cannot tell. */
export function rankByWalks(
  census: Census,
  plans: readonly WeigherPlan[],
  request: PlacementRequest,
  k: number,
): { ranked: Ranked[]; norm: Normalisation } | null {
  const ctx: Context = { census, plans, request };
  const want = Math.min(k, census.passed);
  const min: number[] = [];
  const range: number[] = [];
  const walks: Walked[] = [];
  // A key all passing hosts share, for when no weigher tells them apart.
  let flat: { key: SortKey; value: number } | null = null;
  for (const [i, plan] of plans.entries()) {
    if (plan.weight === 0) {
      // Its term is 0 whatever the normalisation (0 × a value in 0..1).
      min.push(0);
      range.push(0);
      continue;
    }
    const { key, increasing } = MONOTONIC[plan.weigher.name];
    const up = firstPassing(ctx, walk(ctx, key, 'up'))!;
    const down = firstPassing(ctx, walk(ctx, key, 'down'))!;
    const [lo, hi] = increasing ? [up, down] : [down, up];
    const low = plan.weigher.weigh(lo.host, request);
    const spread = plan.weigher.weigh(hi.host, request) - low;
    min.push(low);
    range.push(spread);
    if (spread > 0)
      walks.push({ plan: i, walk: walk(ctx, key, plan.weight > 0 === increasing ? 'down' : 'up') });
    else if (up.keys[key] === down.keys[key]) flat = { key, value: up.keys[key] };
  }
  const norm: Normalisation = { min, range };
  const top: Ranked[] = [];
  const offer = (entry: Entry) => {
    const candidate = { entry, host: entry.host, score: scoreOf(entry.host, request, plans, norm) };
    let at = top.length;
    while (at > 0 && compareScored(candidate, top[at - 1]!) < 0) at--;
    if (at < want) {
      top.splice(at, 0, candidate);
      if (top.length > want) top.pop();
    }
  };

  if (walks.length === 0) {
    // Every passing host scores the same: the first `want` by name. When they all share one
    // key, a walk up from it meets them in name order; otherwise the index cannot tell.
    if (!flat) return null;
    const { key, value } = flat;
    const w = new Walk(
      census.eligible.map((bucket) => bucket.lists[key]),
      key,
      'up',
      value,
    );
    for (let entry = w.head; entry && top.length < want; w.advance(), entry = w.head) {
      if (entry.keys[key] !== value) break;
      if (census.accepts(entry)) offer(entry);
    }
    return { ranked: top, norm };
  }

  const bestTerm = (i: number, entry: Entry): number => {
    const plan = plans[i]!;
    const term = termOf(plan.weight, plan.weigher.weigh(entry.host, request), min[i]!, range[i]!);
    // No passing host does better than the best passing value: weight × 1, or weight × 0.
    return Math.min(term, plan.weight > 0 ? plan.weight : plan.weight * 0);
  };
  // Weighers without a walk add weight × 0 to every score; the others are replaced each round.
  const terms = plans.map((plan) => plan.weight * 0);
  const stamp = census.stamp;
  for (;;) {
    for (const { walk: w } of walks) {
      const entry = w.head;
      // A walk that ran out has met every passing host.
      if (!entry) return { ranked: top, norm };
      w.advance();
      if (entry.seen === stamp) continue;
      entry.seen = stamp;
      if (census.accepts(entry)) offer(entry);
    }
    if (top.length < want) continue;
    for (const { plan, walk: w } of walks) {
      const head = w.head;
      if (!head) return { ranked: top, norm };
      terms[plan] = bestTerm(plan, head);
    }
    const kth = top[want - 1]!;
    const limit = sum(terms);
    if (limit < kth.score || (limit === kth.score && cannotTie(walks, terms, kth, bestTerm))) {
      return { ranked: top, norm };
    }
  }
}

/** Adds the terms in the configured order, as scoreOf does. */
function sum(terms: readonly number[]): number {
  let total = 0;
  for (const term of terms) total += term;
  return total;
}

/**
 * With the bound equal to the k-th score, a host not met yet could still tie
 * it and win on name. It cannot when (a) some walk's head comes after the k-th
 * host by name — a host with every walk's key equal to that walk's head's
 * comes, in each walk, at or after the head, so after the k-th host — and
 * (b) moving any one walk to its next distinct key drops the bound below the
 * k-th score — a host that differs from a head's key is at or past that next key.
 */
function cannotTie(
  walks: readonly Walked[],
  terms: number[],
  kth: Ranked,
  bestTerm: (i: number, entry: Entry) => number,
): boolean {
  if (!walks.some(({ walk: w }) => compareHosts(w.head!.host, kth.host) >= 0)) return false;
  for (const { plan, walk: w } of walks) {
    const next = w.nextDistinct();
    if (!next) continue;
    const saved = terms[plan]!;
    terms[plan] = bestTerm(plan, next);
    const lowered = sum(terms);
    terms[plan] = saved;
    if (!(lowered < kth.score)) return false;
  }
  return true;
}
