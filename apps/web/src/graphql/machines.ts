import { gql, type TypedDocumentNode } from '@apollo/client';
import type { Labels } from '@/lib/labels';
import type {
  Capabilities,
  Connection,
  Job,
  JobState,
  Location,
  MachineAction,
  MachineState,
  PlacementPolicy,
} from './types';

export interface Machine {
  id: string;
  name: string;
  state: MachineState;
  projectId: string;
  /** Null once its account was deleted (the machine is then DELETED). */
  accountId: string | null;
  provider: { id: string; kind: string; name: string };
  location: { id: string; name: string; ref: string };
  host: { id: string; name: string; cluster: string | null } | null;
  configurationId: string | null;
  imageId: string | null;
  placementGroupId: string | null;
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
  addresses: string[];
  labels: Labels;
  allowedActions: MachineAction[];
  error: string | null;
  providerRef: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Every field the console shows: queries and the subscription select the same, so the cache stays whole. */
export const MACHINE_FIELDS = gql`
  fragment MachineFields on Machine {
    id
    name
    state
    projectId
    accountId
    provider {
      id
      kind
      name
    }
    location {
      id
      name
      ref
    }
    host {
      id
      name
      cluster
    }
    configurationId
    imageId
    placementGroupId
    vcpus
    memoryMiB
    diskGiB
    addresses
    labels
    allowedActions
    error
    providerRef
    createdAt
    updatedAt
  }
`;

const JOB_FIELDS = gql`
  fragment JobFields on Job {
    id
    kind
    summary
    state
    progress
    attempts
    maxAttempts
    error
    projectId
    projectName
    machineId
    machineName
    requestedBy
    cancelRequested
    nextAttemptAt
    createdAt
    finishedAt
  }
`;

/** What every machine mutation answers: the machine as it is now, and the job doing the work. */
export const MACHINE_PAYLOAD_FIELDS = gql`
  fragment MachinePayloadFields on MachinePayload {
    machine {
      ...MachineFields
    }
    job {
      ...JobFields
    }
  }
  ${MACHINE_FIELDS}
  ${JOB_FIELDS}
`;

export interface MachineFilter {
  projectId?: string | null;
  providerId?: string | null;
  locationId?: string | null;
  name?: string | null;
  states?: MachineState[] | null;
  includeDeleted?: boolean | null;
  /** Only machines with all these labels. */
  labels?: Labels | null;
}

export const MACHINES: TypedDocumentNode<
  { machines: Connection<Machine> },
  { filter: MachineFilter; first: number; after?: string | null }
> = gql`
  query Machines($filter: MachineFilter, $first: Int, $after: String) {
    machines(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      edges {
        cursor
        node {
          ...MachineFields
        }
      }
    }
  }
  ${MACHINE_FIELDS}
`;

export const MACHINE: TypedDocumentNode<{ machine: Machine }, { id: string }> = gql`
  query Machine($id: ID!) {
    machine(id: $id) {
      ...MachineFields
    }
  }
  ${MACHINE_FIELDS}
`;

export const MACHINE_CHANGED: TypedDocumentNode<{ machineChanged: Machine }, { projectId?: string | null }> =
  gql`
    subscription MachineChanged($projectId: ID) {
      machineChanged(projectId: $projectId) {
        ...MachineFields
      }
    }
    ${MACHINE_FIELDS}
  `;

export const MACHINE_ACTION: TypedDocumentNode<
  { machineAction: { machine: Machine; job: Job } },
  { input: { machineId: string; action: MachineAction } }
> = gql`
  mutation MachineAction($input: MachineActionInput!) {
    machineAction(input: $input) {
      ...MachinePayloadFields
    }
  }
  ${MACHINE_PAYLOAD_FIELDS}
`;

/** A machine a bulk action left alone: `code` and `message` are what `machineAction` alone would answer. */
export interface MachineActionRefusal {
  machineId: string;
  code: string;
  message: string;
}

/** The same action on several machines (at most 100): each goes ahead or is refused on its own. */
export const BULK_MACHINE_ACTION: TypedDocumentNode<
  { machineActions: { started: { machine: Machine; job: Job }[]; refused: MachineActionRefusal[] } },
  { input: { machineIds: string[]; action: MachineAction } }
> = gql`
  mutation MachineActions($input: MachineActionsInput!) {
    machineActions(input: $input) {
      started {
        ...MachinePayloadFields
      }
      refused {
        machineId
        code
        message
      }
    }
  }
  ${MACHINE_PAYLOAD_FIELDS}
`;

/** Answers the machine's id and name: Apollo's cache renames it wherever it is shown. */
export const RENAME_MACHINE: TypedDocumentNode<
  { renameMachine: { id: string; name: string } },
  { input: { machineId: string; name: string } }
> = gql`
  mutation RenameMachine($input: RenameMachineInput!) {
    renameMachine(input: $input) {
      id
      name
    }
  }
`;

export const SET_MACHINE_LABELS: TypedDocumentNode<
  { setMachineLabels: { id: string; labels: Labels; updatedAt: string } },
  { input: { machineId: string; labels: Labels } }
> = gql`
  mutation SetMachineLabels($input: SetMachineLabelsInput!) {
    setMachineLabels(input: $input) {
      id
      labels
      updatedAt
    }
  }
`;

export const MIGRATE_MACHINE: TypedDocumentNode<
  { migrateMachine: { machine: Machine; job: Job } },
  { input: { machineId: string; hostId: string } }
> = gql`
  mutation MigrateMachine($input: MigrateMachineInput!) {
    migrateMachine(input: $input) {
      ...MachinePayloadFields
    }
  }
  ${MACHINE_PAYLOAD_FIELDS}
`;

export interface CreateMachineInput {
  projectId: string;
  accountId: string;
  locationId: string;
  imageId: string;
  configurationId: string;
  name: string;
  placementGroupId?: string | null;
  userData?: string | null;
  labels?: Labels | null;
}

export const CREATE_MACHINES: TypedDocumentNode<
  { createMachines: { created: { machine: Machine; job: Job }[] } },
  { input: CreateMachineInput & { count: number } }
> = gql`
  mutation CreateMachines($input: CreateMachinesInput!) {
    createMachines(input: $input) {
      created {
        ...MachinePayloadFields
      }
    }
  }
  ${MACHINE_PAYLOAD_FIELDS}
`;

export const CREATE_MACHINE: TypedDocumentNode<
  { createMachine: { machine: Machine; job: Job } },
  { input: CreateMachineInput }
> = gql`
  mutation CreateMachine($input: CreateMachineInput!) {
    createMachine(input: $input) {
      ...MachinePayloadFields
    }
  }
  ${MACHINE_PAYLOAD_FIELDS}
`;

export const JOB_UPDATED: TypedDocumentNode<{ jobUpdated: Job }, { id: string }> = gql`
  subscription JobUpdated($id: ID!) {
    jobUpdated(id: $id) {
      ...JobFields
    }
  }
  ${JOB_FIELDS}
`;

export interface ProviderAccount {
  id: string;
  name: string;
  remoteName: string;
  ownerProjectId: string;
  sharedWith: string[];
  createdAt: string;
  /** When Levante last compared the account's machines with the provider; null: not yet. */
  reconciledAt: string | null;
  /** Why that comparison failed; null when it went through. */
  reconcileError: string | null;
  provider: {
    id: string;
    name: string;
    kind: string;
    capabilities: Capabilities;
    locations: Location[];
  };
}

/** What a connector can do, as every provider view asks for it. */
export const CAPABILITIES_FIELDS = gql`
  fragment CapabilitiesFields on Capabilities {
    capture
    hosts
    migrate
    nativeSystems
    pause
    restart
    suspend
  }
`;

export const PROVIDER_ACCOUNT_FIELDS = gql`
  fragment ProviderAccountFields on ProviderAccount {
    id
    name
    remoteName
    ownerProjectId
    sharedWith
    createdAt
    reconciledAt
    reconcileError
    provider {
      id
      name
      kind
      capabilities {
        ...CapabilitiesFields
      }
      locations {
        id
        kind
        name
        ref
      }
    }
  }
  ${CAPABILITIES_FIELDS}
`;

export const PROVIDER_ACCOUNTS: TypedDocumentNode<
  { providerAccounts: ProviderAccount[] },
  { projectId: string }
> = gql`
  query ProviderAccounts($projectId: ID!) {
    providerAccounts(projectId: $projectId) {
      ...ProviderAccountFields
    }
  }
  ${PROVIDER_ACCOUNT_FIELDS}
`;

export interface MachineImage {
  id: string;
  name: string;
  os: string | null;
  architecture: string | null;
  minDiskGiB: number;
  hypervisors: string[];
  ref: string;
}

export const IMAGES: TypedDocumentNode<
  { images: MachineImage[] },
  { accountId: string; locationId: string }
> = gql`
  query Images($accountId: ID!, $locationId: ID!) {
    images(accountId: $accountId, locationId: $locationId) {
      id
      name
      os
      architecture
      minDiskGiB
      hypervisors
      ref
    }
  }
`;

export interface MachineConfiguration {
  id: string;
  name: string;
  ref: string;
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
}

export const CONFIGURATIONS: TypedDocumentNode<
  { configurations: MachineConfiguration[] },
  { accountId: string; locationId: string }
> = gql`
  query Configurations($accountId: ID!, $locationId: ID!) {
    configurations(accountId: $accountId, locationId: $locationId) {
      id
      name
      ref
      vcpus
      memoryMiB
      diskGiB
    }
  }
`;

export interface PlacementGroup {
  id: string;
  name: string;
  policy: PlacementPolicy;
  /** Machines in the group that are not DELETED. */
  members: number;
}

const PLACEMENT_GROUP_FIELDS = gql`
  fragment PlacementGroupFields on PlacementGroup {
    id
    name
    policy
    members
  }
`;

export const PLACEMENT_GROUPS: TypedDocumentNode<
  { placementGroups: PlacementGroup[] },
  { projectId: string }
> = gql`
  query PlacementGroups($projectId: ID!) {
    placementGroups(projectId: $projectId) {
      ...PlacementGroupFields
    }
  }
  ${PLACEMENT_GROUP_FIELDS}
`;

export const CREATE_PLACEMENT_GROUP: TypedDocumentNode<
  { createPlacementGroup: PlacementGroup },
  { input: { projectId: string; name: string; policy: PlacementPolicy } }
> = gql`
  mutation CreatePlacementGroup($input: CreatePlacementGroupInput!) {
    createPlacementGroup(input: $input) {
      ...PlacementGroupFields
    }
  }
  ${PLACEMENT_GROUP_FIELDS}
`;

export const DELETE_PLACEMENT_GROUP: TypedDocumentNode<
  { deletePlacementGroup: { deletedPlacementGroupId: string } },
  { input: { placementGroupId: string } }
> = gql`
  mutation DeletePlacementGroup($input: DeletePlacementGroupInput!) {
    deletePlacementGroup(input: $input) {
      deletedPlacementGroupId
    }
  }
`;

export const PROVIDER_CAPABILITIES: TypedDocumentNode<
  { provider: { id: string; name: string; capabilities: Capabilities } },
  { id: string }
> = gql`
  query ProviderCapabilities($id: ID!) {
    provider(id: $id) {
      id
      name
      capabilities {
        ...CapabilitiesFields
      }
    }
  }
  ${CAPABILITIES_FIELDS}
`;

/** A machine the provider runs for an account that Levante does not manage (yet). */
export interface UnmanagedMachine {
  /** The provider's reference (instance id, domain name): what `adoptMachine` is given. */
  ref: string;
  /** The provider's name for it. */
  name: string;
  state: MachineState;
  /** The host it runs on, for providers with hosts. */
  host: string | null;
  addresses: string[];
  /** Its tags at the provider that fit as labels: the labels it gets once adopted. */
  labels: Labels;
  location: { id: string; name: string };
  /** Null when the account's catalog does not have it: refresh the account before adopting. */
  configuration: { id: string; name: string; vcpus: number; memoryMiB: number; diskGiB: number } | null;
  image: { id: string; name: string } | null;
}

/** Asks the provider: as slow as its listing, so read on demand only. */
export const UNMANAGED_MACHINES: TypedDocumentNode<
  { unmanagedMachines: UnmanagedMachine[] },
  { projectId: string; accountId: string }
> = gql`
  query UnmanagedMachines($projectId: ID!, $accountId: ID!) {
    unmanagedMachines(projectId: $projectId, accountId: $accountId) {
      ref
      name
      state
      host
      addresses
      labels
      location {
        id
        name
      }
      configuration {
        id
        name
        vcpus
        memoryMiB
        diskGiB
      }
      image {
        id
        name
      }
    }
  }
`;

export interface AdoptMachineInput {
  projectId: string;
  accountId: string;
  locationId: string;
  ref: string;
  /** Levante's name for it; by default the provider's, when it is a valid machine name. */
  name?: string | null;
}

export const ADOPT_MACHINE: TypedDocumentNode<
  { adoptMachine: { machine: Machine } },
  { input: AdoptMachineInput }
> = gql`
  mutation AdoptMachine($input: AdoptMachineInput!) {
    adoptMachine(input: $input) {
      machine {
        ...MachineFields
      }
    }
  }
  ${MACHINE_FIELDS}
`;

export interface JobFilter {
  projectId?: string | null;
  machineId?: string | null;
  states?: JobState[] | null;
}

export const JOBS: TypedDocumentNode<
  { jobs: Connection<Job> },
  { filter: JobFilter; first: number; after?: string | null }
> = gql`
  query Jobs($filter: JobFilter, $first: Int, $after: String) {
    jobs(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      edges {
        cursor
        node {
          ...JobFields
        }
      }
    }
  }
  ${JOB_FIELDS}
`;

/** Cancels an unfinished job; it answers the job not ended yet, with `cancelRequested`. */
export const CANCEL_JOB: TypedDocumentNode<{ cancelJob: Job }, { id: string }> = gql`
  mutation CancelJob($id: ID!) {
    cancelJob(id: $id) {
      ...JobFields
    }
  }
  ${JOB_FIELDS}
`;
