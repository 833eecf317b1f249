import { machines } from '@levante/db';
import { fromGlobalId } from '@levante/domain';
import { and, count, eq, sql } from 'drizzle-orm';
import { createBenchSite } from './bench-site.ts';
import { sleep, summarize } from './measure.ts';
import type { Benchmark } from './subject.ts';
import type { BenchmarkRow } from './table.ts';

const MACHINES = 1000;
const CONCURRENCY = 32;

/**
 * Machines per second from `createMachine` to STARTED on the simulator with no
 * delays, beside the rate of plain single-row INSERTs on the same database
 * with the same concurrency: the ratio is what Levante's bookkeeping costs.
 */
export const machineThroughput: Benchmark = async (subject) => {
  const site = await createBenchSite(subject, 'throughput', 8);
  const projectId = fromGlobalId('Project', site.projectId);
  const db = subject.database.db;
  subject.log(`creating ${MACHINES} machines…`);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < MACHINES) {
        const i = next++;
        const sent = performance.now();
        await subject.http.request(
          'mutation ($input: CreateMachineInput!) { createMachine(input: $input) { job { id } } }',
          { input: { ...site, name: `m-${i}` } },
          subject.apiToken,
        );
        latencies.push(performance.now() - sent);
      }
    }),
  );
  for (;;) {
    const [row] = await db
      .select({ n: count() })
      .from(machines)
      .where(and(eq(machines.projectId, projectId), eq(machines.state, 'STARTED')));
    if ((row?.n ?? 0) >= MACHINES) break;
    if (performance.now() - started > 300_000)
      throw new Error(`only ${row?.n} of ${MACHINES} machines started in 5 min`);
    await sleep(10);
  }
  const machinesPerSecond = (MACHINES / (performance.now() - started)) * 1000;
  const insertsPerSecond = await rawInsertRate(subject.database.db);
  const mutation = summarize(latencies);
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
