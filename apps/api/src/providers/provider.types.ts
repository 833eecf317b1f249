import type { DeclaredCapabilities } from '@levante/connector-api';
import type { LocationRow, MachineConfigurationRow, MachineImageRow, ProviderRow } from '@levante/db';
import { toGlobalId } from '@levante/domain';
import type { ProviderKind, VisibleAccount } from '@levante/engine';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ProviderVisibilityEnum {
  ALL = 'all',
  PROJECTS = 'projects',
}
registerEnumType(ProviderVisibilityEnum, {
  name: 'ProviderVisibility',
  description: 'Which projects may bring accounts for a provider.',
});

@ObjectType('Capabilities', { description: 'What a connector can do.' })
export class CapabilitiesNode implements DeclaredCapabilities {
  @Field(() => Boolean)
  pause!: boolean;
  @Field(() => Boolean)
  suspend!: boolean;
  @Field(() => Boolean)
  restart!: boolean;
  @Field(() => Boolean)
  capture!: boolean;
  @Field(() => Boolean, { description: 'Exposes physical hosts; Levante places machines on them.' })
  hosts!: boolean;
  @Field(() => Boolean)
  nativeSystems!: boolean;
  @Field(() => Boolean, {
    description:
      'Moves running machines between hosts (`migrateMachine`); may depend on the provider settings.',
  })
  migrate!: boolean;
}

@ObjectType('ProviderKind', { description: 'A connector this Levante offers.' })
export class ProviderKindNode {
  @Field(() => String)
  kind!: string;
  @Field(() => String)
  displayName!: string;
  @Field(() => CapabilitiesNode)
  capabilities!: CapabilitiesNode;
  @Field(() => GraphQLJSONObject, {
    description: 'JSON Schema of account credentials, to build a form from.',
  })
  credentialsSchema!: Record<string, unknown>;
}

export const toProviderKindNode = (kind: ProviderKind): ProviderKindNode => ({ ...kind });

@ObjectType('Location', { description: 'A region, zone or site of a provider.' })
export class LocationNode {
  @Field(() => ID)
  id!: string;
  localId!: string;
  @Field(() => String, { description: "The provider's own name for it." })
  ref!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String)
  kind!: string;
}

export const toLocationNode = (row: LocationRow): LocationNode => ({
  id: toGlobalId('Location', row.id),
  localId: row.id,
  ref: row.ref,
  name: row.name,
  kind: row.kind,
});

@ObjectType('DeleteProviderPayload')
export class DeleteProviderPayload {
  @Field(() => ID)
  deletedProviderId!: string;
}

@ObjectType('Provider')
export class ProviderNode {
  @Field(() => ID)
  id!: string;
  localId!: string;
  @Field(() => String)
  kind!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String, { nullable: true })
  endpoint!: string | null;
  @Field(() => ProviderVisibilityEnum)
  visibility!: ProviderVisibilityEnum;
  @Field(() => Date)
  createdAt!: Date;
  /** Not in the schema: what its capabilities may depend on (the local provider's driver). */
  settings!: Readonly<Record<string, unknown>>;
}

export const toProviderNode = (row: ProviderRow): ProviderNode => ({
  id: toGlobalId('Provider', row.id),
  localId: row.id,
  settings: row.settings,
  kind: row.kind,
  name: row.name,
  endpoint: row.endpoint,
  visibility: row.visibility as ProviderVisibilityEnum,
  createdAt: row.createdAt,
});

@ObjectType('ProviderAccount', {
  description: 'Credentials a project brought for a provider; never readable.',
})
export class ProviderAccountNode {
  @Field(() => ID)
  id!: string;
  localId!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String, { description: "The provider's name for the account, from validation." })
  remoteName!: string;
  @Field(() => ProviderNode)
  provider!: ProviderNode;
  @Field(() => ID, { description: 'The project that brought it.' })
  ownerProjectId!: string;
  @Field(() => Date)
  createdAt!: Date;
  @Field(() => Date, {
    nullable: true,
    description:
      "When Levante last compared the account's machines with the provider (drift detection); null: not yet.",
  })
  reconciledAt!: Date | null;
  @Field(() => String, {
    nullable: true,
    description: 'Why that comparison failed, as the provider answered; null when it went through.',
  })
  reconcileError!: string | null;
}

@ObjectType('AccountReconciliation', {
  description: "What comparing an account's machines with its provider found.",
})
export class AccountReconciliationNode {
  @Field(() => ProviderAccountNode)
  account!: ProviderAccountNode;
  @Field(() => Int, { description: 'Machines compared: those no job of Levante is working on.' })
  checked!: number;
  @Field(() => Int, {
    description:
      'Machines stopped, started or deleted outside Levante, now recorded as the provider has them.',
  })
  changed!: number;
}

export const toAccountNode = ({ account, provider }: VisibleAccount): ProviderAccountNode => ({
  id: toGlobalId('ProviderAccount', account.id),
  localId: account.id,
  name: account.name,
  remoteName: account.remoteName,
  provider: toProviderNode(provider),
  ownerProjectId: toGlobalId('Project', account.ownerProjectId),
  createdAt: account.createdAt,
  reconciledAt: account.reconciledAt,
  reconcileError: account.reconcileError,
});

@ObjectType('MachineImage')
export class MachineImageNode {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  ref!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String, { nullable: true })
  os!: string | null;
  @Field(() => String, { nullable: true })
  architecture!: string | null;
  @Field(() => [String], { description: 'Hypervisors able to run it; empty when the provider does not say.' })
  hypervisors!: string[];
  @Field(() => Int)
  minDiskGiB!: number;
}

export const toImageNode = (row: MachineImageRow): MachineImageNode => ({
  id: toGlobalId('MachineImage', row.id),
  ref: row.ref,
  name: row.name,
  os: row.os,
  architecture: row.architecture,
  hypervisors: row.hypervisors,
  minDiskGiB: row.minDiskGiB,
});

@ObjectType('MachineConfiguration', { description: 'A flavor or instance type.' })
export class MachineConfigurationNode {
  @Field(() => ID)
  id!: string;
  @Field(() => String)
  ref!: string;
  @Field(() => String)
  name!: string;
  @Field(() => Int)
  vcpus!: number;
  @Field(() => Int)
  memoryMiB!: number;
  @Field(() => Int)
  diskGiB!: number;
}

export const toConfigurationNode = (row: MachineConfigurationRow): MachineConfigurationNode => ({
  id: toGlobalId('MachineConfiguration', row.id),
  ref: row.ref,
  name: row.name,
  vcpus: row.vcpus,
  memoryMiB: row.memoryMiB,
  diskGiB: row.diskGiB,
});
