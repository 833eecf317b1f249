/**
 * `pnpm bench`: starts Levante on PGlite, then on PostgreSQL, runs every
 * benchmark on each and prints one table. A missed target shows as "no"; only
 * an error (or an unreachable PostgreSQL) makes the exit code 1.
 */
import { createScratchDatabase, dropScratchDatabase, TEST_DATABASE_URL } from '@levante/db/testing';
import { authenticatedQueries } from './authenticated-queries.ts';
import { connectorBenchmarks } from './connectors/connectors.bench.ts';
import { consoleBenchmarks } from './console/console.bench.ts';
import { inventoryLatency } from './inventory-latency.ts';
import { loginRoundTrips } from './login-round-trips.ts';
import { machineThroughput, machineThroughputWithWorkerProcess } from './machine-throughput.ts';
import { placementBenchmark } from './placement.bench.ts';
import { type Benchmark, openBenchSubject } from './subject.ts';
import { subscriptionLatency } from './subscription-latency.ts';
import { type BenchmarkRow, type DatabaseKind, formatTable } from './table.ts';

/** In table order; a new benchmark is one more entry here. */
const BENCHMARKS: readonly Benchmark[] = [
  loginRoundTrips,
  authenticatedQueries,
  subscriptionLatency(),
  machineThroughput,
  inventoryLatency,
];
const DATABASES: readonly DatabaseKind[] = ['pglite', 'postgres'];

async function main(): Promise<number> {
  try {
    await dropScratchDatabase(await createScratchDatabase());
  } catch (error) {
    console.error(`Cannot run the benchmarks: PostgreSQL is unreachable at ${TEST_DATABASE_URL}.`);
    console.error((error as Error).message);
    return 1;
  }
  // results[benchmark][database] = the rows it returned.
  const results: BenchmarkRow[][][] = BENCHMARKS.map(() => []);
  for (const kind of DATABASES) {
    const { subject, close } = await openBenchSubject(kind);
    try {
      for (const [i, benchmark] of BENCHMARKS.entries()) results[i]!.push(await benchmark(subject));
    } finally {
      await close();
    }
  }
  // Production's topology on PostgreSQL: jobs in a `levante worker` process beside the API server.
  const separate = await openBenchSubject('postgres', { separateWorker: true });
  let withWorkerProcess: BenchmarkRow[];
  try {
    withWorkerProcess = await machineThroughputWithWorkerProcess(separate.subject);
  } finally {
    await separate.close();
  }
  // Benchmarks of pure packages use no database: they run once.
  const pure = await placementBenchmark();
  // The web console's, in Chromium, also run once (on PGlite where they need a server).
  const web = await consoleBenchmarks();
  // The connectors', each against its real peer (moto, QEMU), also run once.
  const connectors = await connectorBenchmarks();
  console.log(
    formatTable([...pure, ...results.flatMap(interleave), ...withWorkerProcess, ...web, ...connectors]),
  );
  return 0;
}

/** A benchmark's rows line by line, each line once per database: PGlite and PostgreSQL side by side. */
function interleave(perDatabase: readonly (readonly BenchmarkRow[])[]): BenchmarkRow[] {
  const lines = Math.max(0, ...perDatabase.map((rows) => rows.length));
  const interleaved: BenchmarkRow[] = [];
  for (let line = 0; line < lines; line++) {
    for (const rows of perDatabase) {
      const row = rows[line];
      if (row) interleaved.push(row);
    }
  }
  return interleaved;
}

const started = performance.now();
main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error('The benchmarks failed:', error);
    process.exitCode = 1;
  })
  .finally(() => {
    process.stderr.write(`benchmarks took ${Math.round((performance.now() - started) / 1000)} s\n`);
    // Everything has been closed; should a handle linger anyway, do not hang.
    setTimeout(() => {
      process.stderr.write('some handle is still open; exiting anyway\n');
      process.exit();
    }, 5000).unref();
  });
