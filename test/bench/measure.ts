import { performance } from 'node:perf_hooks';

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/** The nearest-rank percentile `p` (0–100) of `samples`; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  return percentileOfSorted(
    [...samples].sort((a, b) => a - b),
    p,
  );
}

function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(samples: readonly number[]): LatencySummary {
  if (samples.length === 0)
    return { count: 0, p50: Number.NaN, p99: Number.NaN, mean: Number.NaN, max: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    count: sorted.length,
    p50: percentileOfSorted(sorted, 50),
    p99: percentileOfSorted(sorted, 99),
    mean: sum / sorted.length,
    max: sorted.at(-1)!,
  };
}

export interface LoadOptions {
  /** How long to keep the load on, after the warm-up. */
  readonly durationMs: number;
  /** Operations in flight at once. */
  readonly concurrency: number;
  /** Load applied first and not counted, so JIT and pools are warm. */
  readonly warmupMs?: number;
  /** Stop after this many operations in all, even before `durationMs`. */
  readonly count?: number;
  /** `index` counts the operations started, from 0 (warm-up ones are not counted). */
  readonly operation: (index: number) => Promise<void>;
}

export interface LoadResult {
  readonly completed: number;
  readonly elapsedMs: number;
  /** Completed operations per second. */
  readonly perSecond: number;
  /** Latency of each operation, in milliseconds. */
  readonly latency: LatencySummary;
}

/**
 * Runs `operation` from `concurrency` loops for a fixed time and measures
 * throughput and latency. The first failure stops every loop and is thrown:
 * a benchmark that errors measures nothing.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.warmupMs) await runLoops(options, options.warmupMs, () => {});
  const latencies: number[] = [];
  const started = performance.now();
  await runLoops(options, options.durationMs, (latency) => latencies.push(latency));
  const elapsedMs = performance.now() - started;
  return {
    completed: latencies.length,
    elapsedMs,
    perSecond: (latencies.length / elapsedMs) * 1000,
    latency: summarize(latencies),
  };
}

async function runLoops(options: LoadOptions, durationMs: number, record: (latency: number) => void) {
  const deadline = performance.now() + durationMs;
  const count = options.count ?? Number.POSITIVE_INFINITY;
  let started = 0;
  let failure: { error: unknown } | null = null;
  const loop = async () => {
    while (!failure && performance.now() < deadline && started < count) {
      const index = started++;
      const start = performance.now();
      try {
        await options.operation(index);
      } catch (error) {
        failure ??= { error };
        return;
      }
      record(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  if (failure) throw (failure as { error: unknown }).error;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition` holds, or fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
