import { machines } from '@levante/db';
import { fromGlobalId } from '@levante/domain';
import { and, count, eq, sql } from 'drizzle-orm';
import { createBenchSite } from './bench-site.ts';
import { runHttpLoadInWorker } from './http-load.ts';
import { sleep } from './measure.ts';
import type { Benchmark } from './subject.ts';
import type { BenchmarkRow } from './table.ts';

const MACHINES = 1000;
/** Created first and not counted, so that the JIT has compiled the create path. */
const WARMUP_MACHINES = 300;
const CONCURRENCY = 32;
const CREATE = 'mutation ($input: CreateMachineInput!) { createMachine(input: $input) { job { id } } }';

/**
 * Machines per second from `createMachine` to STARTED on the simulator with no
 * delays, beside the rate of plain single-row INSERTs on the same database
 * with the same concurrency: the ratio is what Levante's bookkeeping costs.
 * The mutations come from a worker thread, as a client's would come from
 * elsewhere: the server keeps this process's main thread.
 */
export const machineThroughput: Benchmark = async (subject) => {
  const site = await createBenchSite(subject, 'throughput', 8);
  const projectId = fromGlobalId('Project', site.projectId);
  const db = subject.database.db;
  const startedMachines = async () => {
    const [row] = await db
      .select({ n: count() })
      .from(machines)
      .where(and(eq(machines.projectId, projectId), eq(machines.state, 'STARTED')));
    return row?.n ?? 0;
  };
  const createAll = async (prefix: string, total: number) => {
    const before = await startedMachines();
    const started = performance.now();
    const load = await runHttpLoadInWorker({
      url: subject.url,
      token: subject.apiToken,
      query: CREATE,
      variables: { input: { ...site, name: `${prefix}-{i}` } },
      concurrency: CONCURRENCY,
      durationMs: 300_000,
      count: total,
    });
    if (load.completed !== total) throw new Error(`only ${load.completed} of ${total} creates were answered`);
    while ((await startedMachines()) < before + total) {
      if (performance.now() - started > 300_000) throw new Error(`${total} machines did not start in 5 min`);
      await sleep(10);
    }
    return { elapsedMs: performance.now() - started, mutation: load.latency };
  };
  subject.log(`warming up with ${WARMUP_MACHINES} machines…`);
  await createAll('warm', WARMUP_MACHINES);
  subject.log(`creating ${MACHINES} machines…`);
  const { elapsedMs, mutation } = await createAll('m', MACHINES);
  const machinesPerSecond = (MACHINES / elapsedMs) * 1000;
  const insertsPerSecond = await rawInsertRate(subject.database.db);
  const rows: BenchmarkRow[] = [
    {
      benchmark: `machines/s, createMachine → STARTED (${MACHINES}, sim, no delays)`,
      database: subject.kind,
      value: machinesPerSecond,
      unit: 'machines/s',
      ...(subject.kind === 'postgres' ? { target: { op: '>=', value: 500 } } : {}),
    },
    {
      benchmark: 'createMachine mutation latency p50',
      database: subject.kind,
      value: mutation.p50,
      unit: 'ms',
    },
    {
      benchmark: 'createMachine mutation latency p99',
      database: subject.kind,
      value: mutation.p99,
      unit: 'ms',
    },
    {
      benchmark: 'raw single-row INSERTs/s, same database',
      database: subject.kind,
      value: insertsPerSecond,
      unit: 'rows/s',
    },
    {
      benchmark: 'machines/s as a share of raw INSERTs/s',
      database: subject.kind,
      value: (machinesPerSecond / insertsPerSecond) * 100,
      unit: '%',
      ...(subject.kind === 'postgres' ? { target: { op: '>=', value: 20 } } : {}),
    },
  ];
  return rows;
};

async function rawInsertRate(db: import('@levante/db').Database): Promise<number> {
  await db.execute(
    sql`create table if not exists bench_raw (id uuid primary key default gen_random_uuid(), name text not null, created_at timestamptz not null default now())`,
  );
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MACHINES) {
        const i = next++;
        await db.execute(sql`insert into bench_raw (name) values (${`row-${i}`})`);
      }
    }),
  );
  const rate = (MACHINES / (performance.now() - started)) * 1000;
  await db.execute(sql`drop table bench_raw`);
  return rate;
}
