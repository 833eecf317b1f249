import { toGlobalId } from '@levante/domain';
import type { MachineTemplateView } from '@levante/engine';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import {
  MachineConfigurationNode,
  MachineImageNode,
  toConfigurationNode,
  toImageNode,
} from '../providers/provider.types.ts';
import { MachineLocationRef, MachineProviderRef, toLocationRef, toProviderRef } from './machine.types.ts';

@ObjectType('MachineTemplate', {
  description:
    "A recipe for machines (CIMI's MachineTemplate): an account, location, image and configuration, with optional group, labels and user data. Belongs to a project.",
})
export class MachineTemplateNode {
  @Field(() => ID)
  id!: string;
  @Field(() => ID)
  projectId!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String, { nullable: true })
  description!: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'Null once the account was deleted: the template cannot create machines until it is edited.',
  })
  accountId!: string | null;
  @Field(() => String, { nullable: true })
  accountName!: string | null;
  @Field(() => MachineProviderRef, { nullable: true })
  provider!: MachineProviderRef | null;
  @Field(() => MachineLocationRef, { nullable: true })
  location!: MachineLocationRef | null;
  @Field(() => MachineImageNode, {
    nullable: true,
    description: 'Null once the provider no longer offers it.',
  })
  image!: MachineImageNode | null;
  @Field(() => MachineConfigurationNode, {
    nullable: true,
    description: 'Null once the provider no longer offers it.',
  })
  configuration!: MachineConfigurationNode | null;
  @Field(() => ID, { nullable: true })
  placementGroupId!: string | null;
  @Field(() => String, { nullable: true })
  placementGroupName!: string | null;
  @Field(() => GraphQLJSONObject)
  labels!: Record<string, string>;
  @Field(() => Boolean)
  hasUserData!: boolean;
  @Field(() => String, {
    nullable: true,
    description:
      'Given to those who may use the template (not viewers: it may hold secrets); `hasUserData` says whether there is some.',
  })
  userData!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why it cannot create machines now (a part of it is gone), or null when it can.',
  })
  problem!: string | null;
  @Field(() => Date)
  createdAt!: Date;
  @Field(() => Date)
  updatedAt!: Date;
}

export const toMachineTemplateNode = (view: MachineTemplateView): MachineTemplateNode => {
  const { template, account, provider, location, image, configuration, placementGroup } = view;
  return {
    id: toGlobalId('MachineTemplate', template.id),
    projectId: toGlobalId('Project', template.projectId),
    name: template.name,
    description: template.description,
    accountId: account ? toGlobalId('ProviderAccount', account.id) : null,
    accountName: account?.name ?? null,
    provider: provider ? toProviderRef(provider) : null,
    location: location ? toLocationRef(location) : null,
    image: image ? toImageNode(image) : null,
    configuration: configuration ? toConfigurationNode(configuration) : null,
    placementGroupId: placementGroup ? toGlobalId('PlacementGroup', placementGroup.id) : null,
    placementGroupName: placementGroup?.name ?? null,
    labels: template.labels,
    hasUserData: view.hasUserData,
    userData: template.userData,
    problem: view.problem,
    createdAt: template.createdAt,
    updatedAt: template.updatedAt,
  };
};

@ObjectType('DeleteMachineTemplatePayload')
export class DeleteMachineTemplatePayload {
  @Field(() => ID)
  deletedMachineTemplateId!: string;
}
