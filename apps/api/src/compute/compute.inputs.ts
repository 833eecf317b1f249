import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { HypervisorEnum, MachineActionEnum, MachineStateEnum, PlacementPolicyEnum } from './compute.enums.ts';

@InputType()
export class CreateMachineInput {
  @Field(() => ID)
  projectId!: string;
  @Field(() => ID)
  accountId!: string;
  @Field(() => ID)
  locationId!: string;
  @Field(() => ID)
  imageId!: string;
  @Field(() => ID)
  configurationId!: string;
  @Field(() => String, { description: 'Letters, digits and dashes; unique in the project.' })
  name!: string;
  @Field(() => ID, { nullable: true })
  placementGroupId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Platform admins only: the host to use.' })
  hostId?: string | null;
  @Field(() => String, { nullable: true, description: 'Cloud-init or similar, at most 64 KiB.' })
  userData?: string | null;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'Key = value pairs to find it by, e.g. { "env": "prod" }: at most 32, of up to 63 characters.',
  })
  labels?: Record<string, string> | null;
}

@InputType({ description: 'Several machines alike: each is a CreateMachineInput named `name-1`, `name-2`…' })
export class CreateMachinesInput extends CreateMachineInput {
  @Field(() => Int, { description: 'How many, 1 to 50.' })
  count!: number;
}

@InputType()
export class MachineActionInput {
  @Field(() => ID)
  machineId!: string;
  @Field(() => MachineActionEnum)
  action!: MachineActionEnum;
}

@InputType()
export class MachineActionsInput {
  @Field(() => [ID], { description: 'At most 100 machines, each named once.' })
  machineIds!: string[];
  @Field(() => MachineActionEnum)
  action!: MachineActionEnum;
}

@InputType()
export class SetMachineLabelsInput {
  @Field(() => ID)
  machineId!: string;
  @Field(() => GraphQLJSONObject, { description: "The machine's labels, all of them: {} removes every one." })
  labels!: Record<string, string>;
}

@InputType()
export class RenameMachineInput {
  @Field(() => ID)
  machineId!: string;
  @Field(() => String)
  name!: string;
}

@InputType()
export class MigrateMachineInput {
  @Field(() => ID)
  machineId!: string;
  @Field(() => ID, { description: 'Another host of the same provider and location.' })
  hostId!: string;
}

@InputType()
export class MachineFilter {
  @Field(() => ID, { nullable: true })
  projectId?: string | null;
  @Field(() => ID, { nullable: true })
  providerId?: string | null;
  @Field(() => ID, { nullable: true })
  locationId?: string | null;
  @Field(() => [MachineStateEnum], { nullable: true })
  states?: string[] | null;
  @Field(() => String, { nullable: true, description: 'Part of the name, any case.' })
  name?: string | null;
  @Field(() => Boolean, { nullable: true, defaultValue: false })
  includeDeleted?: boolean;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Only machines with all these labels.' })
  labels?: Record<string, string> | null;
}

@InputType()
export class JobFilter {
  @Field(() => ID, { nullable: true })
  projectId?: string | null;
  @Field(() => ID, { nullable: true })
  machineId?: string | null;
  @Field(() => [String], { nullable: true, description: 'queued, running, succeeded, failed, cancelled.' })
  states?: string[] | null;
  @Field(() => [String], { nullable: true, description: 'machine.create, machine.action…' })
  kinds?: string[] | null;
}

@InputType()
export class CreatePlacementGroupInput {
  @Field(() => ID)
  projectId!: string;
  @Field(() => String)
  name!: string;
  @Field(() => PlacementPolicyEnum)
  policy!: PlacementPolicyEnum;
}

@InputType()
export class DeletePlacementGroupInput {
  @Field(() => ID)
  placementGroupId!: string;
}

@InputType()
export class RegisterHostInput {
  @Field(() => ID)
  providerId!: string;
  @Field(() => String, { description: 'The site it stands in, e.g. "paris".' })
  location!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String, { nullable: true })
  cluster?: string | null;
  @Field(() => HypervisorEnum)
  hypervisor!: HypervisorEnum;
  @Field(() => Int)
  vcpus!: number;
  @Field(() => Int)
  memoryMiB!: number;
  @Field(() => Int)
  diskGiB!: number;
  @Field(() => Float, { nullable: true })
  cpuAllocationRatio?: number | null;
  @Field(() => Float, { nullable: true })
  ramAllocationRatio?: number | null;
  @Field(() => Float, { nullable: true })
  diskAllocationRatio?: number | null;
  @Field(() => GraphQLJSONObject, { nullable: true })
  labels?: Record<string, string> | null;
}

@InputType()
export class UpdateHostInput {
  @Field(() => ID)
  hostId!: string;
  @Field(() => Float, { nullable: true })
  cpuAllocationRatio?: number | null;
  @Field(() => Float, { nullable: true })
  ramAllocationRatio?: number | null;
  @Field(() => Float, { nullable: true })
  diskAllocationRatio?: number | null;
  @Field(() => GraphQLJSONObject, { nullable: true })
  labels?: Record<string, string> | null;
  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
}

@InputType()
export class HostMaintenanceInput {
  @Field(() => ID)
  hostId!: string;
  @Field(() => Boolean)
  maintenance!: boolean;
}

@InputType()
export class EvacuateHostInput {
  @Field(() => ID, { description: 'A host in maintenance (or disabled).' })
  hostId!: string;
}

@InputType()
export class DeleteHostInput {
  @Field(() => ID)
  hostId!: string;
}

@InputType()
export class SetQuotaInput {
  @Field(() => ID)
  projectId!: string;
  @Field(() => Int, { nullable: true })
  machines?: number | null;
  @Field(() => Int, { nullable: true })
  vcpus?: number | null;
  @Field(() => Int, { nullable: true })
  memoryMiB?: number | null;
  @Field(() => Int, { nullable: true })
  storageGiB?: number | null;
}
