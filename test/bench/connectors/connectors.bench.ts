/**
 * The connectors' figures (issue #6), each against its real peer and run once
 * (no database: '—'): ec2 against moto, local with the qemu driver against
 * real QEMU guests, local with the sim driver. Every moto and QEMU started
 * here is stopped by PID before this returns, whether it succeeds or fails.
 */
import type { BenchmarkRow } from '../table.ts';
import { ec2Benchmarks } from './ec2.bench.ts';
import { localQemuBenchmarks } from './local-qemu.bench.ts';
import { localSimBenchmarks } from './local-sim.bench.ts';
import { progress } from './timing.ts';

export async function connectorBenchmarks(): Promise<BenchmarkRow[]> {
  const started = performance.now();
  const rows = [
    ...(await ec2Benchmarks()),
    ...(await localQemuBenchmarks()),
    ...(await localSimBenchmarks()),
  ];
  progress(`the connector benchmarks took ${Math.round((performance.now() - started) / 1000)} s`);
  return rows;
}
