import { type Database, type HostRow, hosts, locations, machines, memberships } from '@levante/db';
import type { Actor } from '@levante/domain';
import { and, asc, eq, notInArray } from 'drizzle-orm';
import { assertActive } from '../projects/project-access.ts';

/** A machine as the placement map shows it. */
export interface PlacedMachine {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly projectId: string;
  readonly hostId: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
}

export interface HostPlacementView {
  readonly host: HostRow;
  readonly locationRef: string;
  /** Machines on the host the caller may see. */
  readonly machines: readonly PlacedMachine[];
  /** Machines of projects the caller cannot see: counted, not shown. */
  readonly otherMachines: number;
}

/** The host-level placement: every host with its capacity, allocation and machines. */
export class HostQueries {
  constructor(private readonly db: Database) {}

  async list(
    actor: Actor,
    filter: { providerId?: string | null; locationId?: string | null; hostId?: string | null },
  ): Promise<HostPlacementView[]> {
    assertActive(actor);
    const where = and(
      filter.providerId ? eq(hosts.providerId, filter.providerId) : undefined,
      filter.locationId ? eq(hosts.locationId, filter.locationId) : undefined,
      filter.hostId ? eq(hosts.id, filter.hostId) : undefined,
    );
    // Read together; the machines only in the columns the map shows (a site holds thousands).
    const [rows, placed, visibleProjects] = await Promise.all([
      this.db
        .select({ host: hosts, locationRef: locations.ref })
        .from(hosts)
        .innerJoin(locations, eq(locations.id, hosts.locationId))
        .where(where)
        .orderBy(asc(locations.ref), asc(hosts.cluster), asc(hosts.name)),
      this.db
        .select({
          id: machines.id,
          name: machines.name,
          state: machines.state,
          projectId: machines.projectId,
          hostId: hosts.id,
          vcpus: machines.vcpus,
          memoryMiB: machines.memoryMiB,
        })
        .from(machines)
        .innerJoin(hosts, eq(hosts.id, machines.hostId))
        .where(and(where, notInArray(machines.state, ['DELETED', 'ERROR'])))
        .orderBy(asc(machines.name)),
      actor.isAdmin
        ? null
        : this.db
            .select({ id: memberships.projectId })
            .from(memberships)
            .where(eq(memberships.userId, actor.userId))
            .then((rows) => new Set(rows.map((m) => m.id))),
    ]);
    const byHost = new Map<string, PlacedMachine[]>();
    for (const machine of placed) {
      const here = byHost.get(machine.hostId);
      if (here) here.push(machine);
      else byHost.set(machine.hostId, [machine]);
    }
    return rows.map(({ host, locationRef }) => {
      const here = byHost.get(host.id) ?? [];
      const visible = visibleProjects ? here.filter((m) => visibleProjects.has(m.projectId)) : here;
      return { host, locationRef, machines: visible, otherMachines: here.length - visible.length };
    });
  }
}
