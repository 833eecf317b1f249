import {
  type Database,
  type HostRow,
  hosts,
  locations,
  type MachineRow,
  machines,
  memberships,
} from '@levante/db';
import type { Actor } from '@levante/domain';
import { and, asc, eq, inArray, notInArray } from 'drizzle-orm';
import { assertActive } from '../projects/project-access.ts';

export interface HostPlacementView {
  readonly host: HostRow;
  readonly locationRef: string;
  /** Machines on the host the caller may see. */
  readonly machines: readonly MachineRow[];
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
    const rows = await this.db
      .select({ host: hosts, locationRef: locations.ref })
      .from(hosts)
      .innerJoin(locations, eq(locations.id, hosts.locationId))
      .where(
        and(
          filter.providerId ? eq(hosts.providerId, filter.providerId) : undefined,
          filter.locationId ? eq(hosts.locationId, filter.locationId) : undefined,
          filter.hostId ? eq(hosts.id, filter.hostId) : undefined,
        ),
      )
      .orderBy(asc(locations.ref), asc(hosts.cluster), asc(hosts.name));
    if (rows.length === 0) return [];
    const placed = await this.db
      .select()
      .from(machines)
      .where(
        and(
          inArray(
            machines.hostId,
            rows.map((r) => r.host.id),
          ),
          notInArray(machines.state, ['DELETED', 'ERROR']),
        ),
      )
      .orderBy(asc(machines.name));
    const visibleProjects = actor.isAdmin
      ? null
      : new Set(
          (
            await this.db
              .select({ id: memberships.projectId })
              .from(memberships)
              .where(eq(memberships.userId, actor.userId))
          ).map((m) => m.id),
        );
    const byHost = new Map<string, MachineRow[]>();
    for (const machine of placed)
      byHost.set(machine.hostId!, [...(byHost.get(machine.hostId!) ?? []), machine]);
    return rows.map(({ host, locationRef }) => {
      const here = byHost.get(host.id) ?? [];
      const visible = here.filter((m) => !visibleProjects || visibleProjects.has(m.projectId));
      return { host, locationRef, machines: visible, otherMachines: here.length - visible.length };
    });
  }
}
