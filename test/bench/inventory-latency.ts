import { machines, providerAccounts } from '@levante/db';
import { fromGlobalId } from '@levante/domain';
import { eq } from 'drizzle-orm';
import { createBenchSite } from './bench-site.ts';
import { summarize } from './measure.ts';
import type { Benchmark } from './subject.ts';
import type { BenchmarkRow } from './table.ts';

const MACHINES = 10_000;
const SAMPLES = 200;
const FIRST_PAGE = `query ($filter: MachineFilter) {
  machines(filter: $filter, first: 20) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id name state allowedActions provider { name } location { name } host { name } addresses createdAt } }
  }
}`;

/** First-page latency of the inventory with 10,000 machines, all projects and one project. */
export const inventoryLatency: Benchmark = async (subject) => {
  const site = await createBenchSite(subject, 'inventory', 1);
  const projectId = fromGlobalId('Project', site.projectId);
  const accountId = fromGlobalId('ProviderAccount', site.accountId);
  const locationId = fromGlobalId('Location', site.locationId);
  const db = subject.database.db;
  const [account] = await db.select().from(providerAccounts).where(eq(providerAccounts.id, accountId));
  subject.log(`seeding ${MACHINES} machines…`);
  // Seeded in bulk: this measures reading the inventory, not creating it.
  for (let batch = 0; batch < MACHINES / 1000; batch++) {
    await db.insert(machines).values(
      Array.from({ length: 1000 }, (_, i) => ({
        projectId,
        accountId,
        providerId: account!.providerId,
        locationId,
        name: `inv-${batch * 1000 + i}`,
        state: 'STARTED',
        vcpus: 1,
        memoryMiB: 1024,
        diskGiB: 10,
        addresses: [`10.1.${batch}.${i % 250}`],
      })),
    );
  }
  const measure = async (filter: Record<string, unknown> | null) => {
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES + 20; i++) {
      const start = performance.now();
      await subject.http.request(FIRST_PAGE, { filter }, subject.apiToken);
      if (i >= 20) latencies.push(performance.now() - start);
    }
    return summarize(latencies);
  };
  const all = await measure(null);
  const one = await measure({ projectId: site.projectId });
  const rows: BenchmarkRow[] = [];
  for (const [label, summary] of [
    ['all projects', all],
    ['one project', one],
  ] as const) {
    rows.push(
      {
        benchmark: `inventory first page p50 (10,000 machines, ${label})`,
        database: subject.kind,
        value: summary.p50,
        unit: 'ms',
      },
      {
        benchmark: `inventory first page p99 (10,000 machines, ${label})`,
        database: subject.kind,
        value: summary.p99,
        unit: 'ms',
        target: { op: '<', value: 50 },
      },
    );
  }
  return rows;
};
