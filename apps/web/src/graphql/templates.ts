import { gql, type TypedDocumentNode } from '@apollo/client';
import type { Labels } from '@/lib/labels';
import {
  MACHINE_PAYLOAD_FIELDS,
  type Machine,
  type MachineConfiguration,
  type MachineImage,
} from './machines';
import type { Job } from './types';

/**
 * A recipe for machines (CIMI's MachineTemplate) of a project: an account, location, image and
 * configuration, with an optional placement group, labels and user data. A part the provider or
 * the project no longer has is null, and `problem` says why the template cannot create machines.
 */
export interface MachineTemplate {
  id: string;
  projectId: string;
  name: string;
  description: string | null;
  /** Null once the account was deleted: the template cannot create machines until it is edited. */
  accountId: string | null;
  accountName: string | null;
  provider: { id: string; name: string; kind: string } | null;
  location: { id: string; ref: string; name: string } | null;
  image: MachineImage | null;
  configuration: MachineConfiguration | null;
  placementGroupId: string | null;
  placementGroupName: string | null;
  labels: Labels;
  hasUserData: boolean;
  /** Null for viewers (it may hold secrets): `hasUserData` still says whether there is some. */
  userData: string | null;
  /** Why it cannot create machines now (a part of it is gone), or null when it can. */
  problem: string | null;
  createdAt: string;
  updatedAt: string;
}

export const MACHINE_TEMPLATE_FIELDS = gql`
  fragment MachineTemplateFields on MachineTemplate {
    id
    projectId
    name
    description
    accountId
    accountName
    provider {
      id
      name
      kind
    }
    location {
      id
      ref
      name
    }
    image {
      id
      name
      os
      architecture
      minDiskGiB
      hypervisors
      ref
    }
    configuration {
      id
      ref
      name
      vcpus
      memoryMiB
      diskGiB
    }
    placementGroupId
    placementGroupName
    labels
    hasUserData
    userData
    problem
    createdAt
    updatedAt
  }
`;

/** The project's templates, sorted by name. */
export const MACHINE_TEMPLATES: TypedDocumentNode<
  { machineTemplates: MachineTemplate[] },
  { projectId: string }
> = gql`
  query MachineTemplates($projectId: ID!) {
    machineTemplates(projectId: $projectId) {
      ...MachineTemplateFields
    }
  }
  ${MACHINE_TEMPLATE_FIELDS}
`;

/** What a template is made of; the update gives every field again (it replaces the whole template). */
export interface MachineTemplateInput {
  name: string;
  description?: string | null;
  accountId: string;
  locationId: string;
  imageId: string;
  configurationId: string;
  placementGroupId?: string | null;
  labels?: Labels | null;
  userData?: string | null;
}

export const CREATE_MACHINE_TEMPLATE: TypedDocumentNode<
  { createMachineTemplate: MachineTemplate },
  { input: MachineTemplateInput & { projectId: string } }
> = gql`
  mutation CreateMachineTemplate($input: CreateMachineTemplateInput!) {
    createMachineTemplate(input: $input) {
      ...MachineTemplateFields
    }
  }
  ${MACHINE_TEMPLATE_FIELDS}
`;

export const UPDATE_MACHINE_TEMPLATE: TypedDocumentNode<
  { updateMachineTemplate: MachineTemplate },
  { input: MachineTemplateInput & { templateId: string } }
> = gql`
  mutation UpdateMachineTemplate($input: UpdateMachineTemplateInput!) {
    updateMachineTemplate(input: $input) {
      ...MachineTemplateFields
    }
  }
  ${MACHINE_TEMPLATE_FIELDS}
`;

export const DELETE_MACHINE_TEMPLATE: TypedDocumentNode<
  { deleteMachineTemplate: { deletedMachineTemplateId: string } },
  { input: { templateId: string } }
> = gql`
  mutation DeleteMachineTemplate($input: DeleteMachineTemplateInput!) {
    deleteMachineTemplate(input: $input) {
      deletedMachineTemplateId
    }
  }
`;

export interface CreateMachinesFromTemplateInput {
  templateId: string;
  /** With count 1 the machine is named exactly this; with more, -1, -2… is added. */
  name: string;
  /** 1 to 50; 1 by default. */
  count?: number | null;
  /** Added to (and over) the template's labels. */
  labels?: Labels | null;
  /** Platform admins only. */
  hostId?: string | null;
}

export const CREATE_MACHINES_FROM_TEMPLATE: TypedDocumentNode<
  { createMachinesFromTemplate: { created: { machine: Machine; job: Job }[] } },
  { input: CreateMachinesFromTemplateInput }
> = gql`
  mutation CreateMachinesFromTemplate($input: CreateMachinesFromTemplateInput!) {
    createMachinesFromTemplate(input: $input) {
      created {
        ...MachinePayloadFields
      }
    }
  }
  ${MACHINE_PAYLOAD_FIELDS}
`;
