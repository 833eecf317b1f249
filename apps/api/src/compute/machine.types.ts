import type { JobRow, LocationRow, ProviderRow } from '@levante/db';
import { type Actor, allowedActions, type MachineState, toGlobalId } from '@levante/domain';
import {
  type CreatedMachine,
  type InventoryItem,
  jobSummary,
  type PlacementGroupWithMembers,
} from '@levante/engine';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Connection } from '../graphql/connection.ts';
import { MachineActionEnum, MachineStateEnum, PlacementPolicyEnum } from './compute.enums.ts';

@ObjectType('MachineProvider')
export class MachineProviderRef {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String)
  kind!: string;
}

@ObjectType('MachineLocation')
export class MachineLocationRef {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  ref!: string;
  @Field(() => String)
  name!: string;
}

export const toProviderRef = (provider: ProviderRow): MachineProviderRef => ({
  id: toGlobalId('Provider', provider.id),
  name: provider.name,
  kind: provider.kind,
});

export const toLocationRef = (location: LocationRow): MachineLocationRef => ({
  id: toGlobalId('Location', location.id),
  ref: location.ref,
  name: location.name,
});

@ObjectType('MachineHost')
export class MachineHostRef {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String, { nullable: true })
  cluster!: string | null;
}

@ObjectType('Machine', { description: 'A virtual machine, on any provider.' })
export class MachineNode {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  name!: string;
  @Field(() => MachineStateEnum)
  state!: MachineState;
  @Field(() => [MachineActionEnum], {
    description: 'What its state allows now (the provider may support fewer).',
  })
  allowedActions!: MachineActionEnum[];
  @Field(() => ID)
  projectId!: string;
  @Field(() => ID, {
    nullable: true,
    description:
      'The provider account it runs under; null once that account was deleted (the machine is then DELETED).',
  })
  accountId!: string | null;
  @Field(() => MachineProviderRef)
  provider!: MachineProviderRef;
  @Field(() => MachineLocationRef)
  location!: MachineLocationRef;
  @Field(() => MachineHostRef, {
    nullable: true,
    description: 'The physical host, for providers that expose hosts.',
  })
  host!: MachineHostRef | null;
  @Field(() => ID, { nullable: true })
  imageId!: string | null;
  @Field(() => String, { nullable: true, description: 'Null when the provider no longer offers the image.' })
  imageName!: string | null;
  @Field(() => String, { nullable: true })
  configurationName!: string | null;
  @Field(() => ID, { nullable: true })
  configurationId!: string | null;
  @Field(() => ID, { nullable: true })
  placementGroupId!: string | null;
  @Field(() => String, { nullable: true, description: "The provider's identifier." })
  providerRef!: string | null;
  @Field(() => Int)
  vcpus!: number;
  @Field(() => Int)
  memoryMiB!: number;
  @Field(() => Int)
  diskGiB!: number;
  @Field(() => [String])
  addresses!: string[];
  @Field(() => GraphQLJSONObject, { description: 'Key = value pairs people put on it.' })
  labels!: Record<string, string>;
  @Field(() => String, { nullable: true, description: 'Why it is in ERROR.' })
  error!: string | null;
  @Field(() => Date)
  createdAt!: Date;
  @Field(() => Date)
  updatedAt!: Date;
}

export function toMachineNode({
  machine,
  provider,
  location,
  host,
  imageName,
  configurationName,
}: InventoryItem): MachineNode {
  const gid = (type: Parameters<typeof toGlobalId>[0], id: string | null) =>
    id ? toGlobalId(type, id) : null;
  return {
    id: toGlobalId('Machine', machine.id),
    name: machine.name,
    state: machine.state as MachineState,
    allowedActions: allowedActions(machine.state as MachineState) as string[] as MachineActionEnum[],
    projectId: toGlobalId('Project', machine.projectId),
    accountId: gid('ProviderAccount', machine.accountId),
    provider: toProviderRef(provider),
    location: toLocationRef(location),
    host: host ? { id: toGlobalId('Host', host.id), name: host.name, cluster: host.cluster } : null,
    imageId: gid('MachineImage', machine.imageId),
    imageName,
    configurationName,
    configurationId: gid('MachineConfiguration', machine.configurationId),
    placementGroupId: gid('PlacementGroup', machine.placementGroupId),
    providerRef: machine.providerRef,
    vcpus: machine.vcpus,
    memoryMiB: machine.memoryMiB,
    diskGiB: machine.diskGiB,
    addresses: machine.addresses,
    labels: machine.labels,
    error: machine.error,
    createdAt: machine.createdAt,
    updatedAt: machine.updatedAt,
  };
}

@ObjectType('Job', { description: 'Work Levante does with a provider, in the background.' })
export class JobNode {
  @Field(() => ID)
  id!: string;
  @Field(() => String, { description: 'machine.create, machine.action, machine.migrate…' })
  kind!: string;
  @Field(() => String, { description: 'What it does, said for a person ("Start the machine").' })
  summary!: string;
  @Field(() => String, { description: 'queued, running, succeeded, failed or cancelled.' })
  state!: string;
  @Field(() => Int, { description: '0 to 100.' })
  progress!: number;
  @Field(() => Int, { description: 'Attempts made so far; a failed attempt is tried again later.' })
  attempts!: number;
  @Field(() => Int, { description: 'Attempts allowed before the job fails for good.' })
  maxAttempts!: number;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed, or why the job did.' })
  error!: string | null;
  @Field(() => ID, { nullable: true })
  projectId!: string | null;
  @Field(() => ID, { nullable: true })
  machineId!: string | null;
  @Field(() => String, { nullable: true, description: 'The name of the machine it works on.' })
  machineName!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'The username of who asked for it; null for work Levante started itself.',
  })
  requestedBy!: string | null;
  @Field(() => Boolean, {
    description:
      'Someone cancelled it: a waiting job is given up by the next worker, a running one at its next look at the provider; it then ends cancelled.',
  })
  cancelRequested!: boolean;
  @Field(() => Date, {
    nullable: true,
    description: 'When a queued job runs next: after a failed attempt, the retry waits.',
  })
  nextAttemptAt!: Date | null;
  @Field(() => Date)
  createdAt!: Date;
  @Field(() => Date)
  updatedAt!: Date;
  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

export const toJobNode = (
  job: JobRow & { readonly machineName?: string | null; readonly requestedBy?: string | null },
): JobNode => ({
  id: toGlobalId('Job', job.id),
  kind: job.kind,
  summary: jobSummary(job),
  state: job.state,
  progress: job.progress,
  attempts: job.attempts,
  maxAttempts: job.maxAttempts,
  error: job.error,
  projectId: job.projectId ? toGlobalId('Project', job.projectId) : null,
  machineId: job.machineId ? toGlobalId('Machine', job.machineId) : null,
  machineName: job.machineName ?? null,
  requestedBy: job.requestedBy ?? null,
  cancelRequested: job.cancelReason !== null,
  nextAttemptAt: job.state === 'queued' && job.cancelReason === null ? job.runAfter : null,
  createdAt: job.createdAt,
  updatedAt: job.updatedAt,
  finishedAt: job.finishedAt,
});

/** A job the caller has just asked for, as the mutation that asked answers it. */
export const toAskedJobNode = (job: JobRow, machineName: string, actor: Actor): JobNode =>
  toJobNode({ ...job, machineName, requestedBy: actor.username });

export const JobConnection = Connection('Job', JobNode);

@ObjectType('PlacementGroup')
export class PlacementGroupNode {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  name!: string;
  @Field(() => PlacementPolicyEnum)
  policy!: PlacementPolicyEnum;
  @Field(() => Int, { description: 'Machines in the group that are not DELETED.' })
  members!: number;
}

export const toPlacementGroupNode = (row: PlacementGroupWithMembers): PlacementGroupNode => ({
  id: toGlobalId('PlacementGroup', row.id),
  name: row.name,
  policy: row.policy as PlacementPolicyEnum,
  members: row.members,
});

@ObjectType('DeletePlacementGroupPayload')
export class DeletePlacementGroupPayload {
  @Field(() => ID)
  deletedPlacementGroupId!: string;
}

@ObjectType()
export class MachinePayload {
  @Field(() => MachineNode)
  machine!: MachineNode;
  @Field(() => JobNode, { description: 'The job doing the work; follow it by subscription.' })
  job!: JobNode;
}

export const toMachinePayload = (actor: Actor, { item, job }: CreatedMachine): MachinePayload => ({
  machine: toMachineNode(item),
  job: toAskedJobNode(job, item.machine.name, actor),
});

@ObjectType()
export class CreateMachinesPayload {
  @Field(() => [MachinePayload], {
    description: 'Each machine in CREATING with its job, in the order of their names.',
  })
  created!: MachinePayload[];
}

@ObjectType({ description: 'A machine a bulk action left alone, and why.' })
export class MachineActionRefusal {
  @Field(() => ID)
  machineId!: string;
  @Field(() => String, {
    description: 'The error code the action alone would have answered: INVALID_STATE, FORBIDDEN…',
  })
  code!: string;
  @Field(() => String)
  message!: string;
}

@ObjectType()
export class MachineActionsPayload {
  @Field(() => [MachinePayload], { description: 'The machines the action started on, each with its job.' })
  started!: MachinePayload[];
  @Field(() => [MachineActionRefusal])
  refused!: MachineActionRefusal[];
}

export const MachineConnection = Connection('Machine', MachineNode);
