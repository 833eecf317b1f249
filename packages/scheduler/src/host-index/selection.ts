import type { WeigherPlan } from '../config.ts';
import { compareHosts, compareScored, type Normalisation, scoreOf } from '../scoring.ts';
import type { PlacementRequest, WeigherName } from '../types.ts';
import type { Block, Extremes } from './blocks.ts';
import type { Census } from './census.ts';
import { DISK, type Entry, MACHINES, MEMORY, type SortKey, VCPUS } from './entry.ts';

/*
 * Ranking without scoring every host: branch and bound over blocks.
 *
 * Every built-in weigher is a monotonic function of one kept key (free
 * memory, vCPUs or disk: increasing; machine count: decreasing), and every
 * block knows the least and greatest value of each key. So the terms at a
 * block's best values, each clamped to what a passing host can reach and
 * summed in the configured order as scoreOf does, bound the score of any host
 * in the block — in floating point too, as rounding is monotonic. The search
 * visits the most promising block first, which settles a k-th best score;
 * walks each list from its best end, bounding blocks until even the list's
 * best other terms cannot lift one to that score; then visits the blocks left,
 * best bound first, filtering and scoring their hosts in full, until the k-th
 * score beats the next bound — or equals it while every host of that block
 * comes after the k-th by name, so cannot win the tie. Each weigher's least
 * and greatest value over the passing hosts (the normalisation) comes from the
 * lists' extremes, or block by block when the host holding one does not pass.
 */

interface Monotonic {
  readonly key: SortKey;
  readonly increasing: boolean;
  /**
   * The weigher's raw value is sign × key − offset: the same arithmetic as its
   * `weigh` (checked on every placement against the weigher itself).
   */
  readonly sign: 1 | -1;
  offset(request: PlacementRequest): number;
}

const MONOTONIC: Readonly<Record<WeigherName, Monotonic>> = {
  RamWeigher: { key: MEMORY, increasing: true, sign: 1, offset: (r) => r.memoryMiB },
  CpuWeigher: { key: VCPUS, increasing: true, sign: 1, offset: (r) => r.vcpus },
  DiskWeigher: { key: DISK, increasing: true, sign: 1, offset: (r) => r.diskGiB },
  InstanceCountWeigher: { key: MACHINES, increasing: false, sign: -1, offset: () => 0 },
};

/** The key a sorted list should use for a config: its heaviest weigher's, which makes the tightest blocks. */
export function sortKeyFor(plans: readonly WeigherPlan[]): SortKey {
  let heaviest: WeigherPlan | undefined;
  for (const plan of plans)
    if (!heaviest || Math.abs(plan.weight) > Math.abs(heaviest.weight)) heaviest = plan;
  return heaviest && heaviest.weight !== 0 ? MONOTONIC[heaviest.weigher.name].key : MEMORY;
}

export interface Ranked {
  readonly host: Entry['host'];
  readonly score: number;
}

/** One weigher's term: weight × (raw − min) / range, raw = sign × key − offset. */
interface Term {
  readonly key: SortKey;
  /** Whether a greater value of the key gives a better term. */
  readonly fromHigh: boolean;
  readonly sign: number;
  readonly offset: number;
  readonly weight: number;
  readonly min: number;
  readonly range: number;
  /** The best term a passing host reaches: weight × 1, or weight × 0. */
  readonly cap: number;
  /** Whether the term follows the sorted lists' order (then a walk down a list only worsens it). */
  readonly walked: boolean;
}

function termAt(t: Term, value: number): number {
  return t.weight * ((t.sign * value - t.offset - t.min) / t.range);
}

/** The best term any of these hosts can have. */
function bestTerm(t: Term, x: Extremes): number {
  return Math.min(termAt(t, (t.fromHigh ? x.hi : x.lo)[t.key]!), t.cap);
}

/** The passing entry with the least (`high` false) or greatest value of the key. */
function extreme(census: Census, key: SortKey, high: boolean): Entry | undefined {
  const extremeOf = (x: Extremes) => (high ? x.hi : x.lo)[key]!;
  const better = (v: number, than: number) => (high ? v > than : v < than);
  // The entry holding the extreme over all eligible hosts, when it passes, is the answer.
  let holder: Entry | undefined;
  let slot: 0 | 1 = 0;
  for (const list of census.lists) {
    const x = list.extremes;
    if (!holder || better(extremeOf(x), holder.keys[key])) {
      holder = (high ? x.hiAt : x.loAt)[key];
      slot = list.slot;
    }
  }
  if (!holder || census.accepts(holder)) return holder;
  // Otherwise its block first, then the blocks that could still hold a better passing host, best first.
  let best: Entry | undefined;
  const search = (block: Block) => {
    for (const entry of block.entries) {
      if (census.accepts(entry) && (!best || better(entry.keys[key], best.keys[key]))) best = entry;
    }
  };
  const start = holder.blocks[slot];
  search(start);
  const pending: Block[] = [];
  for (const list of census.lists) {
    for (const block of list.blocks) {
      if (block !== start && (!best || better(extremeOf(block), best.keys[key]))) pending.push(block);
    }
  }
  pending.sort((a, b) =>
    better(extremeOf(a), extremeOf(b)) ? -1 : better(extremeOf(b), extremeOf(a)) ? 1 : 0,
  );
  for (const block of pending) {
    if (best && !better(extremeOf(block), best.keys[key])) break;
    search(block);
  }
  return best;
}

/** The normalisation over the passing hosts, and the terms that vary between them. */
function normalise(
  census: Census,
  plans: readonly WeigherPlan[],
  request: PlacementRequest,
  sortKey: SortKey,
): { norm: Normalisation; terms: Term[] } {
  const min: number[] = [];
  const range: number[] = [];
  const terms: Term[] = [];
  let walk: boolean | null = null;
  for (const { weigher, weight } of plans) {
    if (weight === 0) {
      // Its term is 0 whatever the normalisation (0 × a value in 0..1).
      min.push(0);
      range.push(0);
      continue;
    }
    const { key, increasing, sign, offset } = MONOTONIC[weigher.name];
    const lo = extreme(census, key, !increasing)!;
    const hi = extreme(census, key, increasing)!;
    const low = weigher.weigh(lo.host, request);
    const high = weigher.weigh(hi.host, request);
    const shift = offset(request);
    if (sign * lo.keys[key] - shift !== low || sign * hi.keys[key] - shift !== high) {
      throw new Error(`HostIndex does not know how ${weigher.name} weighs a host`);
    }
    min.push(low);
    range.push(high - low);
    if (!(high - low > 0)) continue;
    const fromHigh = weight > 0 === increasing;
    if (key === sortKey) walk ??= fromHigh;
    const walked = key === sortKey && walk === fromHigh;
    const cap = weight > 0 ? weight : weight * 0;
    terms.push({ key, fromHigh, sign, offset: shift, weight, min: low, range: high - low, cap, walked });
  }
  return { norm: { min, range }, terms };
}

/**
 * The best `k` passing hosts, best first, and the normalisation. Weighers
 * without a term add weight × 0 to every score, which changes no sum.
 */
export function rankByBlocks(
  census: Census,
  plans: readonly WeigherPlan[],
  request: PlacementRequest,
  k: number,
): { ranked: Ranked[]; norm: Normalisation } {
  const sortKey = census.lists[0]!.key;
  const { norm, terms } = normalise(census, plans, request, sortKey);
  const ranking = new Ranking(census, plans, request, Math.min(k, census.passed), norm, terms);
  ranking.run();
  return { ranked: ranking.top, norm };
}

class Ranking {
  readonly top: Ranked[] = [];
  /** Blocks are walked down their lists in this direction: towards better terms first. */
  private readonly fromHigh: boolean;
  /** The key the lists are sorted by. */
  private readonly sortKey: SortKey;

  constructor(
    private readonly census: Census,
    private readonly plans: readonly WeigherPlan[],
    private readonly request: PlacementRequest,
    private readonly want: number,
    private readonly norm: Normalisation,
    private readonly terms: readonly Term[],
  ) {
    this.fromHigh = terms.find((t) => t.walked)?.fromHigh ?? true;
    this.sortKey = census.lists[0]!.key;
  }

  private get kth(): Ranked | undefined {
    return this.top[this.want - 1];
  }

  /** A bound on the score of any host of `x`. */
  private bound(x: Extremes): number {
    let total = 0;
    for (const t of this.terms) total += bestTerm(t, x);
    return total;
  }

  /** A bound on any host of `x` whose walked key is no better than `value`. */
  private boundAt(value: number, x: Extremes): number {
    let total = 0;
    for (const t of this.terms) total += t.walked ? Math.min(termAt(t, value), t.cap) : bestTerm(t, x);
    return total;
  }

  /** Whether a host bounded by `limit` (and of `block`, if known) can enter the top. */
  private canEnter(limit: number, block?: Block): boolean {
    const kth = this.kth;
    if (!kth || limit > kth.score) return true;
    // A tie is won on name: not by a block whose every host comes after the k-th.
    return limit === kth.score && (!block || compareHosts(block.first.host, kth.host) <= 0);
  }

  run(): void {
    const lists = this.census.lists;
    const at = (list: readonly Block[], i: number) => list[this.fromHigh ? list.length - 1 - i : i];
    // First the most promising of the buckets' first blocks: it usually settles the k-th score.
    let seed: Block | undefined;
    let seedBound = Number.NEGATIVE_INFINITY;
    for (const list of lists) {
      const block = at(list.blocks, 0);
      if (!block) continue;
      const limit = this.bound(block);
      if (
        !seed ||
        limit > seedBound ||
        (limit === seedBound && compareHosts(block.first.host, seed.first.host) < 0)
      ) {
        seed = block;
        seedBound = limit;
      }
    }
    if (!seed) return;
    this.visit(seed);
    // Then every block that can still hold a better host, walking each list while it can.
    const candidates: { block: Block; bound: number }[] = [];
    for (const list of lists) {
      const blocks = list.blocks;
      const whole = list.extremes;
      if (!this.canEnter(this.bound(whole))) continue;
      for (let i = 0; i < blocks.length; i++) {
        const block = at(blocks, i)!;
        const walked = (this.fromHigh ? block.hi : block.lo)[this.sortKey]!;
        if (!this.canEnter(this.boundAt(walked, whole))) break;
        const limit = this.bound(block);
        if (block !== seed && this.canEnter(limit, block)) candidates.push({ block, bound: limit });
      }
    }
    candidates.sort((a, b) => b.bound - a.bound || compareHosts(a.block.first.host, b.block.first.host));
    for (const { block, bound } of candidates) {
      if (!this.canEnter(bound, block)) break;
      this.visit(block);
    }
  }

  private visit(block: Block): void {
    const { census, terms, request, plans, norm, top, want, sortKey } = this;
    // The block's best term for each weigher that is not walked, as boundAt would compute it.
    const fixed = terms.map((t) => (t.walked ? 0 : bestTerm(t, block)));
    const entries = block.entries;
    const n = entries.length;
    for (let i = 0; i < n; i++) {
      const entry = entries[this.fromHigh ? n - 1 - i : i]!;
      const kth = top[want - 1];
      if (kth) {
        // Entries further on are no better in the walked key: stop once even that cannot reach the top.
        let limit = 0;
        for (let j = 0; j < terms.length; j++) {
          const t = terms[j]!;
          limit += t.walked ? Math.min(termAt(t, entry.keys[sortKey]), t.cap) : fixed[j]!;
        }
        if (limit < kth.score) break;
        if (!census.accepts(entry)) continue;
        // The same terms as scoreOf, from the keys: enough to pass over hosts that cannot enter the top.
        let quick = 0;
        for (const t of terms) quick += termAt(t, entry.keys[t.key]);
        if (quick < kth.score || (quick === kth.score && compareHosts(entry.host, kth.host) > 0)) continue;
      } else if (!census.accepts(entry)) continue;
      const candidate = { host: entry.host, score: scoreOf(entry.host, request, plans, norm) };
      let at = top.length;
      while (at > 0 && compareScored(candidate, top[at - 1]!) < 0) at--;
      if (at >= want) continue;
      top.splice(at, 0, candidate);
      if (top.length > want) top.pop();
    }
  }
}
