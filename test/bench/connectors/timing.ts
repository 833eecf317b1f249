import { performance } from 'node:perf_hooks';
import type { MachineInfo, MachineRef } from '@levante/connector-api';
import { percentile, sleep } from '../measure.ts';
import type { BenchmarkRow, Target } from '../table.ts';

/** Issue #6: listing a connector's whole inventory takes under 2 s. */
export const LISTING_TARGET: Target = { op: '<', value: 2_000 };
/** Issue #6: Levante adds under 50 ms to each operation of the provider's own API. */
export const OVERHEAD_TARGET: Target = { op: '<', value: 50 };

/** Runs `operation` and returns its result with the milliseconds it took. */
export async function timed<T>(operation: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await operation();
  return { value, ms: performance.now() - start };
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** A connector row: they use no database, hence '—'. */
export function row(benchmark: string, value: number, unit: string, target?: Target): BenchmarkRow {
  return { benchmark, database: '—', value, unit, ...(target ? { target } : {}) };
}

export function progress(message: string): void {
  process.stderr.write(`[connectors] ${message}\n`);
}

/** Every item of an async iterable, consumed to the end. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

export interface Poller {
  /** One status read; null when the provider does not know the machine. */
  getMachine(ref: MachineRef): Promise<MachineInfo | null>;
}

/**
 * Polls getMachine every `intervalMs` (0: back to back) until the machine is
 * STARTED; records each call's latency in `calls`. An ERROR, an unknown
 * machine or `timeoutMs` passing throws: a benchmark that fails measures nothing.
 */
export async function untilStarted(
  connector: Poller,
  ref: MachineRef,
  options: { intervalMs: number; timeoutMs: number; calls?: number[] },
): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const { value: machine, ms } = await timed(() => connector.getMachine(ref));
    options.calls?.push(ms);
    if (!machine) throw new Error(`getMachine does not know ${ref.ref} (${ref.location}).`);
    if (machine.state === 'STARTED') return;
    if (machine.state === 'ERROR') throw new Error(`${ref.ref} went to ERROR: ${machine.error}`);
    if (performance.now() > deadline) {
      throw new Error(`${ref.ref} is still ${machine.state} after ${options.timeoutMs} ms.`);
    }
    if (options.intervalMs > 0) await sleep(options.intervalMs);
  }
}
