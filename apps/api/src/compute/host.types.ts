import { toGlobalId } from '@levante/domain';
import type { HostPlacementView } from '@levante/engine';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { HypervisorEnum, MachineStateEnum } from './compute.enums.ts';
import { MachineNode, MachinePayload } from './machine.types.ts';

@ObjectType('HostMachine', { description: 'A machine as the placement map shows it.' })
export class HostMachineNode {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  name!: string;
  @Field(() => MachineStateEnum)
  state!: string;
  @Field(() => ID)
  projectId!: string;
  @Field(() => Int)
  vcpus!: number;
  @Field(() => Int)
  memoryMiB!: number;
}

@ObjectType('Host', {
  description: 'A physical host, with its capacity, what is allocated and its machines.',
})
export class HostNode {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  name!: string;
  @Field(() => ID)
  providerId!: string;
  @Field(() => ID)
  locationId!: string;
  @Field(() => String)
  location!: string;
  @Field(() => String, { nullable: true })
  cluster!: string | null;
  @Field(() => HypervisorEnum)
  hypervisor!: HypervisorEnum;
  @Field(() => Int)
  vcpus!: number;
  @Field(() => Int)
  memoryMiB!: number;
  @Field(() => Int)
  diskGiB!: number;
  @Field(() => Float)
  cpuAllocationRatio!: number;
  @Field(() => Float)
  ramAllocationRatio!: number;
  @Field(() => Float)
  diskAllocationRatio!: number;
  @Field(() => Int)
  allocatedVcpus!: number;
  @Field(() => Int)
  allocatedMemoryMiB!: number;
  @Field(() => Int)
  allocatedDiskGiB!: number;
  @Field(() => GraphQLJSONObject)
  labels!: Record<string, string>;
  @Field(() => Boolean)
  enabled!: boolean;
  @Field(() => Boolean, { description: 'In maintenance: keeps its machines, receives no new one.' })
  maintenance!: boolean;
  @Field(() => Boolean)
  up!: boolean;
  @Field(() => [HostMachineNode], { description: 'The machines on it that you may see.' })
  machines!: HostMachineNode[];
  @Field(() => Int, { description: 'Machines of projects you cannot see.' })
  otherMachines!: number;
}

export function toHostNode({ host, locationRef, machines, otherMachines }: HostPlacementView): HostNode {
  return {
    id: toGlobalId('Host', host.id),
    name: host.name,
    providerId: toGlobalId('Provider', host.providerId),
    locationId: toGlobalId('Location', host.locationId),
    location: locationRef,
    cluster: host.cluster,
    hypervisor: host.hypervisor as HypervisorEnum,
    vcpus: host.vcpus,
    memoryMiB: host.memoryMiB,
    diskGiB: host.diskGiB,
    cpuAllocationRatio: host.cpuAllocationRatio,
    ramAllocationRatio: host.ramAllocationRatio,
    diskAllocationRatio: host.diskAllocationRatio,
    allocatedVcpus: host.allocatedVcpus,
    allocatedMemoryMiB: host.allocatedMemoryMiB,
    allocatedDiskGiB: host.allocatedDiskGiB,
    labels: host.labels,
    enabled: host.enabled,
    maintenance: host.maintenance,
    up: host.up,
    machines: machines.map((m) => ({
      id: toGlobalId('Machine', m.id),
      name: m.name,
      state: m.state,
      projectId: toGlobalId('Project', m.projectId),
      vcpus: m.vcpus,
      memoryMiB: m.memoryMiB,
    })),
    otherMachines,
  };
}

@ObjectType('EvacuationLeftover', { description: 'A machine an evacuation left on its host, and why.' })
export class EvacuationLeftoverNode {
  @Field(() => MachineNode)
  machine!: MachineNode;
  @Field(() => String)
  reason!: string;
}

@ObjectType('EvacuateHostPayload')
export class EvacuateHostPayload {
  @Field(() => HostNode)
  host!: HostNode;
  @Field(() => [MachinePayload], {
    description: 'Each machine that moves, still STARTED on the host, with the job that moves it.',
  })
  moving!: MachinePayload[];
  @Field(() => [EvacuationLeftoverNode], { description: 'The machines that stay: not running, or no room.' })
  left!: EvacuationLeftoverNode[];
}

@ObjectType('DeleteHostPayload')
export class DeleteHostPayload {
  @Field(() => ID)
  deletedHostId!: string;
}

@ObjectType('PlacementChange', { description: 'A machine placed on, moved between or removed from hosts.' })
export class PlacementChangeNode {
  @Field(() => String, { description: 'placed, moved, removed or changed (state only).' })
  kind!: string;
  @Field(() => ID)
  machineId!: string;
  @Field(() => String)
  machineName!: string;
  @Field(() => MachineStateEnum)
  state!: string;
  @Field(() => ID, { nullable: true })
  hostId!: string | null;
  @Field(() => ID, { nullable: true, description: 'For `moved`: the host it left (a live migration).' })
  previousHostId!: string | null;
  @Field(() => ID)
  projectId!: string;
  @Field(() => Int)
  vcpus!: number;
  @Field(() => Int)
  memoryMiB!: number;
  @Field(() => Date)
  at!: Date;
}

@ObjectType('QuotaLimits', { description: 'A null limit is no limit.' })
export class QuotaLimitsNode {
  @Field(() => Int, { nullable: true })
  machines!: number | null;
  @Field(() => Int, { nullable: true })
  vcpus!: number | null;
  @Field(() => Int, { nullable: true })
  memoryMiB!: number | null;
  @Field(() => Int, { nullable: true })
  storageGiB!: number | null;
}

@ObjectType('QuotaUsage')
export class QuotaUsageNode {
  @Field(() => Int)
  machines!: number;
  @Field(() => Int)
  vcpus!: number;
  @Field(() => Int)
  memoryMiB!: number;
  @Field(() => Int)
  storageGiB!: number;
}

@ObjectType('Quota')
export class QuotaNode {
  @Field(() => QuotaLimitsNode)
  limits!: QuotaLimitsNode;
  @Field(() => QuotaUsageNode)
  usage!: QuotaUsageNode;
}
