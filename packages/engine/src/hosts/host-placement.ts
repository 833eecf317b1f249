import { type Executor, type HostRow, hosts, machines } from '@levante/db';
import { LevanteError } from '@levante/domain';
import { type HostCandidate, type Hypervisor, type PlacementRequest, placeMachine } from '@levante/scheduler';
import { and, eq, gte, notInArray, sql } from 'drizzle-orm';

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

export interface HostPlacement {
  readonly host: HostRow;
  readonly summary: string;
}

/** States in which a machine no longer holds its host's capacity. */
const RELEASED = ['DELETED', 'ERROR'];

/**
 * Chooses a host with the scheduler, then claims its capacity with a
 * conditional update: two placements at once can never overcommit a host,
 * because the second claim re-checks the free capacity the first one took.
 */
export async function placeOnHost(tx: Executor, request: HostRequest): Promise<HostPlacement> {
  const rows = await tx
    .select()
    .from(hosts)
    .where(and(eq(hosts.providerId, request.providerId), eq(hosts.locationId, request.locationId)));
  const counts = await tx
    .select({ hostId: machines.hostId, n: sql<number>`count(*)::int` })
    .from(machines)
    .innerJoin(hosts, eq(hosts.id, machines.hostId))
    .where(and(eq(hosts.locationId, request.locationId), notInArray(machines.state, RELEASED)))
    .groupBy(machines.hostId);
  const machineCount = new Map(counts.map((c) => [c.hostId, c.n]));
  const groupHosts = new Set<string>();
  if (request.group) {
    const members = await tx
      .select({ hostId: machines.hostId })
      .from(machines)
      .where(and(eq(machines.placementGroupId, request.group.id), notInArray(machines.state, RELEASED)));
    for (const m of members) if (m.hostId) groupHosts.add(m.hostId);
  }
  const candidates: HostCandidate[] = rows.map((h) => ({
    id: h.id,
    name: h.name,
    location: request.location,
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
    groupIds: request.group && groupHosts.has(h.id) ? new Set([request.group.id]) : new Set<string>(),
    machineCount: machineCount.get(h.id) ?? 0,
  }));
  const placement: PlacementRequest = {
    vcpus: request.vcpus,
    memoryMiB: request.memoryMiB,
    diskGiB: request.diskGiB,
    location: request.location,
    hypervisors: request.hypervisors,
    group: request.group ? { ...request.group, hasMembers: groupHosts.size > 0 } : null,
    hostHint: request.hostHint,
  };
  const decision = placeMachine(candidates, placement);
  for (const hostId of decision.ranked) {
    const host = await claimHost(tx, hostId, request);
    if (host) return { host, summary: decision.explanation.summary };
  }
  throw new LevanteError('PROVIDER_ERROR', decision.explanation.summary, {
    details: { providerError: 'CapacityError', placement: decision.explanation },
  });
}

async function claimHost(tx: Executor, hostId: string, r: HostRequest): Promise<HostRow | undefined> {
  const [host] = await tx
    .update(hosts)
    .set({
      allocatedVcpus: sql`${hosts.allocatedVcpus} + ${r.vcpus}`,
      allocatedMemoryMiB: sql`${hosts.allocatedMemoryMiB} + ${r.memoryMiB}`,
      allocatedDiskGiB: sql`${hosts.allocatedDiskGiB} + ${r.diskGiB}`,
    })
    .where(
      and(
        eq(hosts.id, hostId),
        gte(sql`${hosts.vcpus} * ${hosts.cpuAllocationRatio} - ${hosts.allocatedVcpus}`, r.vcpus),
        gte(sql`${hosts.memoryMiB} * ${hosts.ramAllocationRatio} - ${hosts.allocatedMemoryMiB}`, r.memoryMiB),
        gte(sql`${hosts.diskGiB} * ${hosts.diskAllocationRatio} - ${hosts.allocatedDiskGiB}`, r.diskGiB),
      ),
    )
    .returning();
  return host;
}

/** Gives a machine's capacity back to its host; call it once, when the machine stops holding it. */
export async function releaseHost(
  tx: Executor,
  machine: { hostId: string | null; vcpus: number; memoryMiB: number; diskGiB: number },
): Promise<void> {
  if (!machine.hostId) return;
  await tx
    .update(hosts)
    .set({
      allocatedVcpus: sql`greatest(${hosts.allocatedVcpus} - ${machine.vcpus}, 0)`,
      allocatedMemoryMiB: sql`greatest(${hosts.allocatedMemoryMiB} - ${machine.memoryMiB}, 0)`,
      allocatedDiskGiB: sql`greatest(${hosts.allocatedDiskGiB} - ${machine.diskGiB}, 0)`,
    })
    .where(eq(hosts.id, machine.hostId));
}
