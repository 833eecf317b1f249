import { hosts, jobs, machines, providerAccounts } from '@levante/db';
import { fromGlobalId } from '@levante/domain';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { type BenchSite, createBenchSite } from './bench-site.ts';
import { runHttpLoadInWorker } from './http-load.ts';
import { sleep } from './measure.ts';
import type { Benchmark, BenchSubject } from './subject.ts';
import type { BenchmarkRow } from './table.ts';

const MACHINES = 1000;
/**
 * Created first and not counted, so that the JIT has compiled the create path
 * (with 300, V8 was still compiling during the measured creates: a third
 * fewer machines/s).
 */
const WARMUP_MACHINES = 2000;
/** Raw INSERTs measured, after as many not counted, for the same reason. */
const RAW_INSERTS = 3000;
const CONCURRENCY = 32;
/** The large location: every create is placed among this many hosts. */
const LARGE_SITE_HOSTS = 10_000;
const CREATE = 'mutation ($input: CreateMachineInput!) { createMachine(input: $input) { job { id } } }';
/** Machines per `createMachines` request, in the row that asks for them that way. */
const PER_REQUEST = 50;
const CREATE_MANY = `mutation ($input: CreateMachinesInput!) { createMachines(input: $input) { created { job { id } } } }`;

/**
 * Machines per second from `createMachine` to STARTED on the simulator with no
 * delays, beside the rate of plain single-row INSERTs on the same database
 * with the same concurrency: the ratio is what Levante's bookkeeping costs.
 * Then the same on a location of 10,000 hosts (seeded in the database: this
 * measures placing on them, not registering them): creates place through the
 * engine's kept host index, so the rate should not fall with the number of
 * hosts. The mutations come from a worker thread, as a client's would come
 * from elsewhere: the server keeps this process's main thread.
 */
export const machineThroughput: Benchmark = async (subject) => {
  const createAll = creator(subject);
  const rows = await createThroughput(subject, 'one process');
  const large = await createBenchSite(subject, 'throughput-large', 1);
  await seedHosts(subject, large, LARGE_SITE_HOSTS);
  subject.log(`creating ${MACHINES} machines on ${LARGE_SITE_HOSTS} hosts…`);
  await createAll(large, 'warm', WARMUP_MACHINES);
  await analyze(subject);
  const onLarge = await createAll(large, 'm', MACHINES);
  return [
    ...rows,
    {
      benchmark: `machines/s, createMachine → STARTED (${MACHINES}) on a location of ${LARGE_SITE_HOSTS.toLocaleString('en-US')} hosts`,
      database: subject.kind,
      value: (MACHINES / onLarge.elapsedMs) * 1000,
      unit: 'machines/s',
    },
  ];
};

/**
 * The same creates when the jobs run in a `levante worker` process beside the
 * API server (LEVANTE_WORKER=false), as a production deployment on
 * PostgreSQL and Redis runs them.
 */
export const machineThroughputWithWorkerProcess: Benchmark = (subject) =>
  createThroughput(subject, 'API + `levante worker` processes');

/** Creates on 8 big hosts, beside raw INSERTs of the same database. */
async function createThroughput(subject: BenchSubject, topology: string): Promise<BenchmarkRow[]> {
  const createAll = creator(subject);
  const site = await createBenchSite(subject, 'throughput', 8);
  subject.log(`${topology}: warming up with ${WARMUP_MACHINES} machines…`);
  await createAll(site, 'warm', WARMUP_MACHINES);
  await analyze(subject);
  subject.log(`${topology}: creating ${MACHINES} machines…`);
  const { elapsedMs, mutation } = await createAll(site, 'm', MACHINES);
  const machinesPerSecond = (MACHINES / elapsedMs) * 1000;
  subject.log(`${topology}: creating ${MACHINES} machines, ${PER_REQUEST} per request…`);
  await createAll(site, 'warm-many', MACHINES, PER_REQUEST);
  const many = await createAll(site, 'many', MACHINES, PER_REQUEST);
  const insertsPerSecond = await rawInsertRate(subject.database.db);
  const target = (value: number) =>
    subject.kind === 'postgres' ? { target: { op: '>=' as const, value } } : {};
  return [
    {
      benchmark: `machines/s, createMachine → STARTED (${MACHINES}, sim, no delays), ${topology}`,
      database: subject.kind,
      value: machinesPerSecond,
      unit: 'machines/s',
      ...target(500),
    },
    {
      benchmark: '  createMachine mutation latency p50',
      database: subject.kind,
      value: mutation.p50,
      unit: 'ms',
    },
    {
      benchmark: '  createMachine mutation latency p99',
      database: subject.kind,
      value: mutation.p99,
      unit: 'ms',
    },
    {
      benchmark: `  machines/s, createMachines (${PER_REQUEST} per request) → STARTED`,
      database: subject.kind,
      value: (MACHINES / many.elapsedMs) * 1000,
      unit: 'machines/s',
    },
    {
      benchmark: '  raw single-row INSERTs/s, same database',
      database: subject.kind,
      value: insertsPerSecond,
      unit: 'rows/s',
    },
    {
      benchmark: '  machines/s as a share of raw INSERTs/s',
      database: subject.kind,
      value: (machinesPerSecond / insertsPerSecond) * 100,
      unit: '%',
      ...target(20),
    },
    {
      benchmark: `  the same share, createMachines (${PER_REQUEST} per request)`,
      database: subject.kind,
      value: ((MACHINES / many.elapsedMs) * 1000 * 100) / insertsPerSecond,
      unit: '%',
    },
  ];
}

/**
 * Sends creates of `total` machines on `site` from a worker thread, one per
 * request or `perRequest` at a time, and waits until they all run.
 */
function creator(subject: BenchSubject) {
  const db = subject.database.db;
  const startedMachines = async (projectId: string) => {
    const [row] = await db
      .select({ n: count() })
      .from(machines)
      .where(and(eq(machines.projectId, projectId), eq(machines.state, 'STARTED')));
    return row?.n ?? 0;
  };
  // Polled while the creates run: it reads the few unfinished jobs through their index, where
  // counting the project's started machines reads every machine of it (a quarter of a core at
  // 100 polls a second, taken from the system measured). A job finishes in the transaction that
  // writes its machine's state.
  const unfinishedJobs = async (projectId: string) => {
    const [row] = await db
      .select({ n: count() })
      .from(jobs)
      .where(and(inArray(jobs.state, ['queued', 'running']), eq(jobs.projectId, projectId)));
    return row?.n ?? 0;
  };
  return async (site: BenchSite, prefix: string, total: number, perRequest = 1) => {
    const projectId = fromGlobalId('Project', site.projectId);
    const before = await startedMachines(projectId);
    const requests = total / perRequest;
    const started = performance.now();
    const load = await runHttpLoadInWorker({
      url: subject.url,
      token: subject.apiToken,
      query: perRequest === 1 ? CREATE : CREATE_MANY,
      variables: {
        input: { ...site, name: `${prefix}-{i}`, ...(perRequest === 1 ? {} : { count: perRequest }) },
      },
      // Two requests of many in flight: one is written while the other travels.
      concurrency: perRequest === 1 ? CONCURRENCY : 2,
      durationMs: 300_000,
      count: requests,
    });
    if (load.completed !== requests) {
      throw new Error(`only ${load.completed} of ${requests} create requests were answered`);
    }
    while ((await unfinishedJobs(projectId)) > 0) {
      if (performance.now() - started > 300_000) throw new Error(`${total} machines did not start in 5 min`);
      await sleep(10);
    }
    const elapsedMs = performance.now() - started;
    const running = (await startedMachines(projectId)) - before;
    if (running !== total) throw new Error(`${running} of ${total} machines reached STARTED`);
    return { elapsedMs, mutation: load.latency };
  };
}

/**
 * Brings the planner's statistics up to date, as autovacuum does within a
 * minute of a table's growth. The warmup filled tables created seconds before;
 * without this, the statements prepared while they were empty keep plans made
 * for empty tables (sequential scans of `machines`) for the whole measurement,
 * which no running installation sees for long.
 */
async function analyze(subject: BenchSubject): Promise<void> {
  await subject.database.db.execute(sql`analyze`);
}

/** Adds `count` hosts to the site's location straight in the database, the way a large site's inventory would be imported. */
async function seedHosts(subject: BenchSubject, site: BenchSite, count: number): Promise<void> {
  const db = subject.database.db;
  const [account] = await db
    .select()
    .from(providerAccounts)
    .where(eq(providerAccounts.id, fromGlobalId('ProviderAccount', site.accountId)));
  const locationId = fromGlobalId('Location', site.locationId);
  for (let from = 0; from < count; from += 1000) {
    await db.insert(hosts).values(
      Array.from({ length: Math.min(1000, count - from) }, (_, i) => ({
        providerId: account!.providerId,
        locationId,
        name: `large-${from + i}`,
        cluster: `c${(from + i) % 20}`,
        hypervisor: (from + i) % 5 === 0 ? ('xen' as const) : ('kvm' as const),
        vcpus: 64,
        memoryMiB: 512 * 1024,
        diskGiB: 10_000,
      })),
    );
  }
}

async function rawInsertRate(db: import('@levante/db').Database): Promise<number> {
  await db.execute(
    sql`create table if not exists bench_raw (id uuid primary key default gen_random_uuid(), name text not null, created_at timestamptz not null default now())`,
  );
  const insertAll = async (prefix: string) => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < RAW_INSERTS) {
          const i = next++;
          await db.execute(sql`insert into bench_raw (name) values (${`${prefix}-${i}`})`);
        }
      }),
    );
    return (RAW_INSERTS / (performance.now() - started)) * 1000;
  };
  await insertAll('warm');
  const rate = await insertAll('row');
  await db.execute(sql`drop table bench_raw`);
  return rate;
}
