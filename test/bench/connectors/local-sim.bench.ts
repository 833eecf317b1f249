/**
 * The local connector's sim driver (issue #6): inventory listing with 1,000
 * machines and create → STARTED with every delay at zero, so what is timed is
 * the connector and the simulator themselves. The site keeps its state in a
 * data directory, as Levante runs it (one per account), so each create
 * includes writing the simulator's state file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connector } from '@levante/connector-api';
import { localConnectorFactory } from '@levante/connector-local';
import { summarize } from '../measure.ts';
import type { BenchmarkRow } from '../table.ts';
import { collect, LISTING_TARGET, median, progress, row, timed, untilStarted } from './timing.ts';

const MACHINES = 1_000;
const LISTING_ROUNDS = 20;
const N = MACHINES.toLocaleString('en-US');

const SETTINGS = {
  token: 'bench',
  bootDelayMs: 0,
  stopDelayMs: 0,
  actionDelayMs: 0,
  jitter: 0,
  locations: [{ ref: 'paris', name: 'Paris' }],
  hosts: [
    {
      ref: 'paris-1',
      name: 'paris-1',
      location: 'paris',
      cluster: null,
      hypervisor: 'kvm',
      vcpus: 64,
      memoryMiB: 262_144,
      diskGiB: 4_000,
    },
  ],
};

export async function localSimBenchmarks(): Promise<BenchmarkRow[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'levante-bench-sim-'));
  let connector: Connector | null = null;
  try {
    connector = await localConnectorFactory.connect({
      endpoint: null,
      credentials: { token: 'bench' },
      settings: SETTINGS,
      dataDir,
    });
    const site = connector;
    progress(`${N} simulated creates → STARTED, one at a time…`);
    const started: number[] = [];
    for (let i = 0; i < MACHINES; i++) {
      const { ms } = await timed(async () => {
        const machine = await site.createMachine(
          {
            machineId: `bench-${i}`,
            name: `bench-${i}`,
            location: 'paris',
            imageRef: 'debian-12',
            configurationRef: 'small',
            host: { ref: 'paris-1', hypervisor: 'kvm' },
            userData: null,
          },
          { idempotencyKey: `bench-${i}` },
        );
        await untilStarted(site, machine, { intervalMs: 0, timeoutMs: 10_000 });
      });
      started.push(ms);
    }
    const listings: number[] = [];
    for (let round = -2; round < LISTING_ROUNDS; round++) {
      const { value: machines, ms } = await timed(() => collect(site.listMachines()));
      if (machines.length !== MACHINES) throw new Error(`The simulator lists ${machines.length}, not ${N}.`);
      if (round >= 0) listings.push(ms);
    }
    const summary = summarize(started);
    return [
      row(
        `local/sim: inventory listing, ${N} machines (connector listMachines, all consumed)`,
        median(listings),
        'ms',
        LISTING_TARGET,
      ),
      row(`local/sim: create → STARTED p50 (zero delays, ${N} creates)`, summary.p50, 'ms'),
      row(`local/sim: create → STARTED p99 (zero delays, ${N} creates)`, summary.p99, 'ms'),
    ];
  } finally {
    await connector?.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
