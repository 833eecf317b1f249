import {
  type Database,
  hosts,
  jobs,
  liveMachine,
  locations,
  machines,
  providerInService,
  providers,
} from '@levante/db';
import type { Actor } from '@levante/domain';
import { and, count, eq, gt, inArray, sql, sum } from 'drizzle-orm';
import { assertPlatformAdmin } from '../projects/project-access.ts';

/** What the platform holds now, for its operators' monitoring (Prometheus). */
export interface PlatformSnapshot {
  /** Machines that are not DELETED, by provider and state. */
  readonly machines: readonly { provider: string; state: string; count: number }[];
  /**
   * Work waiting or under way: `queued` for its first attempt, `retrying` (a
   * failed attempt waits for its retry: a provider in trouble, often), `running`.
   */
  readonly jobs: readonly { kind: string; state: string; count: number }[];
  /** Jobs that ended in the last `ENDED_WINDOW_MINUTES`, by kind and how (succeeded, failed, cancelled). */
  readonly endedJobs: readonly { kind: string; state: string; count: number }[];
  /** Hosts in service and their capacity (with allocation ratios) beside what is promised to machines. */
  readonly hosts: readonly {
    provider: string;
    location: string;
    hosts: number;
    inService: number;
    vcpus: number;
    allocatedVcpus: number;
    memoryMiB: number;
    allocatedMemoryMiB: number;
    diskGiB: number;
    allocatedDiskGiB: number;
  }[];
}

const total = (value: unknown) => Number(value ?? 0);

/** How far back `endedJobs` looks: enough for an alert to see a burst of failures between two scrapes. */
export const ENDED_WINDOW_MINUTES = 15;

/** Platform-wide figures, for platform admins. A few grouped counts: cheap at a scrape's pace. */
export class PlatformStatistics {
  constructor(private readonly db: Database) {}

  async snapshot(actor: Actor): Promise<PlatformSnapshot> {
    assertPlatformAdmin(actor);
    const inService = sql<number>`count(*) filter (where ${hosts.enabled} and not ${hosts.maintenance} and ${hosts.up})`;
    const waiting = sql<string>`case when ${jobs.state} = 'queued' and ${jobs.attempts} > 0 then 'retrying' else ${jobs.state} end`;
    const [machineRows, jobRows, endedRows, hostRows] = await Promise.all([
      this.db
        .select({ provider: providers.name, state: machines.state, count: count() })
        .from(machines)
        .innerJoin(providers, eq(providers.id, machines.providerId))
        .where(liveMachine)
        .groupBy(providers.name, machines.state),
      this.db
        .select({ kind: jobs.kind, state: waiting, count: count() })
        .from(jobs)
        .where(inArray(jobs.state, ['queued', 'running']))
        .groupBy(jobs.kind, waiting),
      this.db
        .select({ kind: jobs.kind, state: jobs.state, count: count() })
        .from(jobs)
        .where(gt(jobs.finishedAt, sql`now() - ${`${ENDED_WINDOW_MINUTES} minutes`}::interval`))
        .groupBy(jobs.kind, jobs.state),
      this.db
        .select({
          provider: providers.name,
          location: locations.ref,
          hosts: count(),
          inService,
          vcpus: sum(sql`${hosts.vcpus} * ${hosts.cpuAllocationRatio}`),
          allocatedVcpus: sum(hosts.allocatedVcpus),
          memoryMiB: sum(sql`${hosts.memoryMiB} * ${hosts.ramAllocationRatio}`),
          allocatedMemoryMiB: sum(hosts.allocatedMemoryMiB),
          diskGiB: sum(sql`${hosts.diskGiB} * ${hosts.diskAllocationRatio}`),
          allocatedDiskGiB: sum(hosts.allocatedDiskGiB),
        })
        .from(hosts)
        .innerJoin(providers, and(eq(providers.id, hosts.providerId), providerInService))
        .innerJoin(locations, eq(locations.id, hosts.locationId))
        .groupBy(providers.name, locations.ref),
    ]);
    return {
      machines: machineRows,
      jobs: jobRows,
      endedJobs: endedRows,
      hosts: hostRows.map((row) => ({
        provider: row.provider,
        location: row.location,
        hosts: row.hosts,
        inService: total(row.inService),
        vcpus: Math.floor(total(row.vcpus)),
        allocatedVcpus: total(row.allocatedVcpus),
        memoryMiB: Math.floor(total(row.memoryMiB)),
        allocatedMemoryMiB: total(row.allocatedMemoryMiB),
        diskGiB: Math.floor(total(row.diskGiB)),
        allocatedDiskGiB: total(row.allocatedDiskGiB),
      })),
    };
  }
}
