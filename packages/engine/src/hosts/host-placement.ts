import { anyOf, type Executor, type HostRow, hosts, locations, machines } from '@levante/db';
import { LevanteError } from '@levante/domain';
import { type HostCandidate, type Hypervisor, placeMachine } from '@levante/scheduler';
import { and, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';

export interface HostRequest {
  readonly providerId: string;
  readonly locationId: string;
  readonly location: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly diskGiB: number;
  readonly hypervisors: readonly Hypervisor[];
  readonly group: { readonly id: string; readonly policy: 'affinity' | 'anti-affinity' } | null;
  readonly hostHint: string | null;
}

/** States in which a machine no longer holds its host's capacity. */
export const RELEASED = ['DELETED', 'ERROR'];

export interface MigrationTargetRequest extends Omit<HostRequest, 'hostHint'> {
  /** The machine that moves: wherever it runs now, it counts neither in its group nor on its host. */
  readonly machineId: string;
  readonly machineName: string;
  /** The host it should move to; null: the one the scheduler chooses. */
  readonly hostId: string | null;
}

/**
 * Checks the host a running machine should move to with the scheduler's
 * filters, the way create checks an admin's host hint (capacity with the
 * allocation ratios, state, hypervisor, affinity and anti-affinity with the
 * machine's group), or lets the scheduler choose one, then reserves the
 * machine's capacity there with the same conditional update as creates
 * (`claimHosts`); answers the host and the scheduler's summary. Until the
 * migration ends the machine holds capacity on both hosts: `releaseHost`
 * gives back one or the other.
 */
export async function reserveMigrationTarget(
  tx: Executor,
  request: MigrationTargetRequest,
): Promise<{ hostId: string; summary: string }> {
  const candidates = await loadHostCandidates(tx, request.locationId, request.machineId);
  const groupHosts = request.group ? await groupMemberHosts(tx, request.group.id, request.machineId) : null;
  if (request.group)
    for (const host of candidates) if (groupHosts?.has(host.id)) host.groupIds.add(request.group.id);
  const decision = placeMachine(candidates, {
    vcpus: request.vcpus,
    memoryMiB: request.memoryMiB,
    diskGiB: request.diskGiB,
    location: request.location,
    hypervisors: request.hypervisors,
    group: request.group ? { ...request.group, hasMembers: (groupHosts?.size ?? 0) > 0 } : null,
    hostHint: request.hostId,
  });
  const chosen = decision.hostId;
  if (chosen && (request.hostId === null || chosen === request.hostId)) {
    const claimed = await claimHosts(tx, new Map([[chosen, request]]));
    if (claimed.size === 1) return { hostId: chosen, summary: decision.explanation.summary };
  }
  if (request.hostId === null) {
    throw new LevanteError(
      'PROVIDER_ERROR',
      `No other host can take machine ${request.machineName}: ${decision.explanation.summary}`,
      { details: { providerError: 'CapacityError', placement: decision.explanation } },
    );
  }
  const rejected = decision.explanation.rejected.find((r) => r.hostId === request.hostId);
  const name = rejected?.hostName ?? candidates.find((c) => c.id === request.hostId)?.name ?? 'The host';
  const why = rejected
    ? `${rejected.reason} (${rejected.filter})`
    : 'another placement has just taken the capacity it had';
  throw new LevanteError(
    'PROVIDER_ERROR',
    `Host ${name} cannot take machine ${request.machineName}: ${why}.`,
    {
      details: { providerError: 'CapacityError', placement: decision.explanation },
    },
  );
}

/** A host as the scheduler sees it, with the placement groups it holds as a set that placements add to. */
export type LoadedHost = HostCandidate & { groupIds: Set<string>; readonly row: HostRow };

/**
 * Every host of a location (a location is one provider's) as the scheduler
 * sees it, with how many machines each holds now; machine `except` (one that
 * moves) is left out.
 */
export async function loadHostCandidates(
  tx: Executor,
  locationId: string,
  except: string | null = null,
): Promise<LoadedHost[]> {
  const [rows, counts] = await Promise.all([
    tx
      .select({ host: hosts, location: locations.ref })
      .from(hosts)
      .innerJoin(locations, eq(locations.id, hosts.locationId))
      .where(eq(hosts.locationId, locationId)),
    tx
      .select({ hostId: machines.hostId, n: sql<number>`count(*)::int` })
      .from(machines)
      .innerJoin(hosts, eq(hosts.id, machines.hostId))
      .where(
        and(
          eq(hosts.locationId, locationId),
          notInArray(machines.state, RELEASED),
          except ? ne(machines.id, except) : undefined,
        ),
      )
      .groupBy(machines.hostId),
  ]);
  const machineCount = new Map(counts.map((c) => [c.hostId, c.n]));
  return rows.map(({ host: h, location }) => ({
    row: h,
    id: h.id,
    name: h.name,
    location,
    cluster: h.cluster,
    hypervisor: h.hypervisor,
    enabled: h.enabled,
    maintenance: h.maintenance,
    up: h.up,
    vcpus: h.vcpus,
    memoryMiB: h.memoryMiB,
    diskGiB: h.diskGiB,
    cpuAllocationRatio: h.cpuAllocationRatio,
    ramAllocationRatio: h.ramAllocationRatio,
    diskAllocationRatio: h.diskAllocationRatio,
    allocatedVcpus: h.allocatedVcpus,
    allocatedMemoryMiB: h.allocatedMemoryMiB,
    allocatedDiskGiB: h.allocatedDiskGiB,
    labels: h.labels,
    groupIds: new Set<string>(),
    machineCount: machineCount.get(h.id) ?? 0,
  }));
}

/** The hosts on which a placement group has machines holding capacity; machine `except` left out. */
export async function groupMemberHosts(
  tx: Executor,
  groupId: string,
  except: string | null = null,
): Promise<Set<string>> {
  const members = await tx
    .select({ hostId: machines.hostId })
    .from(machines)
    .where(
      and(
        eq(machines.placementGroupId, groupId),
        notInArray(machines.state, RELEASED),
        except ? ne(machines.id, except) : undefined,
      ),
    );
  return new Set(members.flatMap((m) => (m.hostId ? [m.hostId] : [])));
}

/** What a machine takes of its host. */
export interface HostShare {
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly diskGiB: number;
}

/**
 * Takes a share of several hosts in one statement, each only if it is still
 * in service and free, locking the hosts in id order (as every multi-host
 * write does, so two never wait on each other in a cycle). Answers the hosts
 * it could claim.
 */
export async function claimHosts(tx: Executor, shares: ReadonlyMap<string, HostShare>): Promise<Set<string>> {
  if (shares.size === 0) return new Set();
  const rows = await tx
    .update(hosts)
    .set({
      allocatedVcpus: sql`${hosts.allocatedVcpus} + want.vcpus`,
      allocatedMemoryMiB: sql`${hosts.allocatedMemoryMiB} + want.memory_mib`,
      allocatedDiskGiB: sql`${hosts.allocatedDiskGiB} + want.disk_gib`,
    })
    .from(sharesTable(shares))
    .where(
      and(
        sql`${hosts.id} = want.id`,
        inArray(hosts.id, lockedInOrder(tx, shares)),
        // What EnabledFilter checks: a placement made from an out-of-date index is refused here.
        sql`${hosts.enabled} and not ${hosts.maintenance} and ${hosts.up}`,
        sql`${hosts.vcpus} * ${hosts.cpuAllocationRatio} - ${hosts.allocatedVcpus} >= want.vcpus`,
        sql`${hosts.memoryMiB} * ${hosts.ramAllocationRatio} - ${hosts.allocatedMemoryMiB} >= want.memory_mib`,
        sql`${hosts.diskGiB} * ${hosts.diskAllocationRatio} - ${hosts.allocatedDiskGiB} >= want.disk_gib`,
      ),
    )
    .returning({ id: hosts.id });
  return new Set(rows.map((row) => row.id));
}

/** Gives shares of several hosts back in one statement, locking the hosts in id order as claims do. */
export async function releaseHosts(tx: Executor, shares: ReadonlyMap<string, HostShare>): Promise<void> {
  if (shares.size === 0) return;
  await tx
    .update(hosts)
    .set({
      allocatedVcpus: sql`greatest(${hosts.allocatedVcpus} - want.vcpus, 0)`,
      allocatedMemoryMiB: sql`greatest(${hosts.allocatedMemoryMiB} - want.memory_mib, 0)`,
      allocatedDiskGiB: sql`greatest(${hosts.allocatedDiskGiB} - want.disk_gib, 0)`,
    })
    .from(sharesTable(shares))
    .where(and(sql`${hosts.id} = want.id`, inArray(hosts.id, lockedInOrder(tx, shares))));
}

/** Counts a share a machine already takes on its host (it runs there), whatever the host's free capacity. */
export async function occupyHost(tx: Executor, hostId: string, share: HostShare): Promise<void> {
  await tx
    .update(hosts)
    .set({
      allocatedVcpus: sql`${hosts.allocatedVcpus} + ${share.vcpus}`,
      allocatedMemoryMiB: sql`${hosts.allocatedMemoryMiB} + ${share.memoryMiB}`,
      allocatedDiskGiB: sql`${hosts.allocatedDiskGiB} + ${share.diskGiB}`,
    })
    .where(eq(hosts.id, hostId));
}

/** Adds a machine's share of a host to what a batch claims or gives back there. */
export function addShare(shares: Map<string, HostShare>, hostId: string, share: HostShare): void {
  const sum = shares.get(hostId);
  shares.set(
    hostId,
    sum
      ? {
          vcpus: sum.vcpus + share.vcpus,
          memoryMiB: sum.memoryMiB + share.memoryMiB,
          diskGiB: sum.diskGiB + share.diskGiB,
        }
      : { vcpus: share.vcpus, memoryMiB: share.memoryMiB, diskGiB: share.diskGiB },
  );
}

/** The shares as a table `want(id, vcpus, memory_mib, disk_gib)`, sent as one JSON parameter. */
function sharesTable(shares: ReadonlyMap<string, HostShare>) {
  const rows = [...shares].map(([id, share]) => ({
    id,
    vcpus: share.vcpus,
    memory_mib: share.memoryMiB,
    disk_gib: share.diskGiB,
  }));
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as want(id uuid, vcpus int, memory_mib int, disk_gib int)`;
}

/** The hosts of `shares`, locked in id order: two statements never wait on each other in a cycle. */
function lockedInOrder(tx: Executor, shares: ReadonlyMap<string, HostShare>) {
  return tx
    .select({ id: hosts.id })
    .from(hosts)
    .where(anyOf(hosts.id, [...shares.keys()]))
    .orderBy(hosts.id)
    .for('update');
}

/** Gives a machine's capacity back to its host; call it once, when the machine stops holding it. */
export function releaseHost(
  tx: Executor,
  machine: { hostId: string | null; vcpus: number; memoryMiB: number; diskGiB: number },
): Promise<void> {
  return machine.hostId ? releaseHosts(tx, new Map([[machine.hostId, machine]])) : Promise.resolve();
}
