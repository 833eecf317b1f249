import { labelsFromTags } from '@levante/domain';
import type { UnmanagedMachine } from '@levante/engine';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import {
  LocationNode,
  MachineConfigurationNode,
  MachineImageNode,
  toConfigurationNode,
  toImageNode,
  toLocationNode,
} from '../providers/provider.types.ts';
import { MachineStateEnum } from './compute.enums.ts';
import { MachineNode } from './machine.types.ts';

@ObjectType('UnmanagedMachine', {
  description:
    'A machine the provider runs for the account that Levante does not manage; adopt it to manage it.',
})
export class UnmanagedMachineNode {
  @Field(() => String, { description: "The provider's reference (instance id, domain name)." })
  ref!: string;
  @Field(() => String, { description: "The provider's name for it." })
  name!: string;
  @Field(() => MachineStateEnum)
  state!: string;
  @Field(() => LocationNode)
  location!: LocationNode;
  @Field(() => MachineImageNode, { nullable: true, description: 'Null when the catalog does not have it.' })
  image!: MachineImageNode | null;
  @Field(() => MachineConfigurationNode, {
    nullable: true,
    description: 'Null when the catalog does not have it: refresh the catalog before adopting.',
  })
  configuration!: MachineConfigurationNode | null;
  @Field(() => String, { nullable: true, description: 'The host it runs on, for providers with hosts.' })
  host!: string | null;
  @Field(() => [String])
  addresses!: string[];
  @Field(() => GraphQLJSONObject, {
    description: "The labels it will carry once adopted: the provider's tags that fit as labels.",
  })
  labels!: Record<string, string>;
}

export function toUnmanagedMachineNode({
  info,
  location,
  image,
  configuration,
}: UnmanagedMachine): UnmanagedMachineNode {
  return {
    ref: info.ref,
    name: info.name,
    state: info.state,
    location: toLocationNode(location),
    image: image && toImageNode(image),
    configuration: configuration && toConfigurationNode(configuration),
    host: info.hostRef,
    addresses: [...info.addresses],
    labels: labelsFromTags(info.tags),
  };
}

@InputType()
export class AdoptMachineInput {
  @Field(() => ID)
  projectId!: string;
  @Field(() => ID)
  accountId!: string;
  @Field(() => ID)
  locationId!: string;
  @Field(() => String, { description: "The provider's reference, from `unmanagedMachines`." })
  ref!: string;
  @Field(() => String, {
    nullable: true,
    description: "Levante's name for it; by default the provider's, when it is a valid machine name.",
  })
  name?: string | null;
}

@ObjectType()
export class AdoptMachinePayload {
  @Field(() => MachineNode, {
    description: 'The machine, now managed by Levante, in the state the provider reports.',
  })
  machine!: MachineNode;
}
