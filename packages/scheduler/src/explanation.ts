import { formatCount, formatGiB, formatMiB, formatVcpus } from './capacity.ts';
import type {
  Explanation,
  HostCandidate,
  HostFilter,
  PlacementRequest,
  RejectedHost,
  ScoredHost,
} from './types.ts';

/** Rejected hosts listed per filter, and in all: the counts stay exact, the examples do not grow. */
export const REJECTED_EXAMPLES_PER_FILTER = 10;
export const REJECTED_EXAMPLES = 50;

/** Counts, per filter, the hosts it rejected, and keeps a few of them with their reasons. */
export class RejectionLog {
  readonly counts: number[];
  private readonly examples: RejectedHost[][];
  private kept = 0;

  constructor(
    readonly filters: readonly HostFilter[],
    private readonly request: PlacementRequest,
  ) {
    this.counts = filters.map(() => 0);
    this.examples = filters.map(() => []);
  }

  /** Whether an example of filter `i` would still be kept. */
  wants(i: number): boolean {
    return this.kept < REJECTED_EXAMPLES && this.examples[i]!.length < REJECTED_EXAMPLES_PER_FILTER;
  }

  /** Filter `i` was the first to reject `host`. */
  reject(i: number, host: HostCandidate): void {
    this.counts[i]!++;
    this.example(i, host);
  }

  /** Filter `i` was the first to reject `count` hosts, known without visiting them all. */
  rejectMany(i: number, count: number, examples: Iterable<HostCandidate>): void {
    this.counts[i]! += count;
    if (!this.wants(i)) return;
    for (const host of examples) {
      if (!this.wants(i)) break;
      this.example(i, host);
    }
  }

  /** Keeps `host` as an example of filter `i` when there is room: the only place a reason is written. */
  example(i: number, host: HostCandidate): void {
    if (!this.wants(i)) return;
    const filter = this.filters[i]!;
    const verdict = filter.passes(host, this.request);
    const reason = verdict === true ? 'rejected' : verdict;
    this.examples[i]!.push({ hostId: host.id, hostName: host.name, filter: filter.name, reason });
    this.kept++;
  }

  get rejected(): number {
    return this.counts.reduce((sum, n) => sum + n, 0);
  }

  explain(considered: number, top: readonly ScoredHost[]): Explanation {
    let remaining = considered;
    const filters = this.filters.map((filter, i) => {
      remaining -= this.counts[i]!;
      return { name: filter.name, remaining };
    });
    const passed = remaining;
    return {
      considered,
      passed,
      filters,
      rejected: this.examples.flat(),
      top: [...top],
      summary: summarise(considered, passed, this.filters, this.counts, top[0], this.request),
    };
  }
}

function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** '8 vCPUs, 32 GiB of memory and 80 GiB of disk'. */
export function describeRequest(request: PlacementRequest): string {
  const parts = [formatVcpus(request.vcpus), `${formatMiB(request.memoryMiB)} of memory`];
  if (request.diskGiB > 0) parts.push(`${formatGiB(request.diskGiB)} of disk`);
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/**
 * 'Placed on paris-a-2 (score 0.93), the best of 8 hosts that can take it, out of 12.'
 * or 'No host in paris can take 64 vCPUs and 512 GiB of memory: 8 hosts lack memory
 * (RamFilter left none), 4 are disabled, in maintenance or down (EnabledFilter).'
 */
function summarise(
  considered: number,
  passed: number,
  filters: readonly HostFilter[],
  counts: readonly number[],
  best: ScoredHost | undefined,
  request: PlacementRequest,
): string {
  if (best) {
    const score = best.score.toFixed(2);
    const among = plural(passed, 'host');
    return `Placed on ${best.hostName} (score ${score}), the best of ${among} that can take it, out of ${formatCount(considered)}.`;
  }
  const where = request.cluster ? `${request.location}/${request.cluster}` : request.location;
  const head = `No host in ${where} can take ${describeRequest(request)}`;
  if (considered === 0) return `${head}: there are no hosts.`;
  // The filter that left zero hosts comes first, then the others from the largest count.
  const emptied = counts.findLastIndex((n) => n > 0);
  const order = counts
    .map((n, i) => ({ n, i }))
    .filter(({ n, i }) => n > 0 && i !== emptied)
    .sort((a, b) => b.n - a.n || a.i - b.i);
  const parts = [{ n: counts[emptied]!, i: emptied }, ...order].map(({ n, i }, k) => {
    const filter = filters[i]!;
    const count = k === 0 ? plural(n, 'host') : formatCount(n);
    const what = n === 1 ? filter.rejects.one : filter.rejects.many;
    const tag = i === emptied ? `${filter.name} left none` : filter.name;
    return `${count} ${what} (${tag})`;
  });
  return `${head}: ${parts.join(', ')}.`;
}
