import { gql, type TypedDocumentNode } from '@apollo/client';
import type { Labels } from '@/lib/labels';
import { QUOTA_FIELDS, type User } from './identity';
import { CAPABILITIES_FIELDS, PROVIDER_ACCOUNT_FIELDS, type ProviderAccount } from './machines';
import { HOST_FIELDS, type Host } from './placement';
import type {
  Capabilities,
  Connection,
  Hypervisor,
  JsonObject,
  Location,
  ProjectRole,
  ProviderVisibility,
  Quota,
} from './types';

export interface Membership {
  role: ProjectRole;
  since: string;
  user: { id: string; username: string; displayName: string; email: string | null };
}

const MEMBERSHIP_FIELDS = gql`
  fragment MembershipFields on Membership {
    role
    since
    user {
      id
      username
      displayName
      email
    }
  }
`;

export const PROJECT_MEMBERS: TypedDocumentNode<
  {
    project: {
      id: string;
      name: string;
      personal: boolean;
      myRole: ProjectRole | null;
      members: Connection<Membership>;
    };
  },
  { id: string; first: number; after?: string | null }
> = gql`
  query ProjectMembers($id: ID!, $first: Int, $after: String) {
    project(id: $id) {
      id
      name
      personal
      myRole
      members(first: $first, after: $after) {
        totalCount
        pageInfo {
          endCursor
          hasNextPage
        }
        edges {
          cursor
          node {
            ...MembershipFields
          }
        }
      }
    }
  }
  ${MEMBERSHIP_FIELDS}
`;

export const ADD_MEMBER: TypedDocumentNode<
  { addMember: { membership: Membership } },
  { input: { projectId: string; username: string; role: ProjectRole } }
> = gql`
  mutation AddMember($input: AddMemberInput!) {
    addMember(input: $input) {
      membership {
        ...MembershipFields
      }
    }
  }
  ${MEMBERSHIP_FIELDS}
`;

export const CHANGE_MEMBER_ROLE: TypedDocumentNode<
  { changeMemberRole: { membership: Membership } },
  { input: { projectId: string; userId: string; role: ProjectRole } }
> = gql`
  mutation ChangeMemberRole($input: ChangeMemberRoleInput!) {
    changeMemberRole(input: $input) {
      membership {
        ...MembershipFields
      }
    }
  }
  ${MEMBERSHIP_FIELDS}
`;

export const REMOVE_MEMBER: TypedDocumentNode<
  { removeMember: { projectId: string; removedUserId: string } },
  { input: { projectId: string; userId: string } }
> = gql`
  mutation RemoveMember($input: RemoveMemberInput!) {
    removeMember(input: $input) {
      projectId
      removedUserId
    }
  }
`;

export interface ProviderKind {
  kind: string;
  displayName: string;
  credentialsSchema: JsonObject;
  capabilities: Capabilities;
}

export const PROVIDER_KINDS: TypedDocumentNode<
  { providerKinds: ProviderKind[] },
  Record<string, never>
> = gql`
  query ProviderKinds {
    providerKinds {
      kind
      displayName
      credentialsSchema
      capabilities {
        ...CapabilitiesFields
      }
    }
  }
  ${CAPABILITIES_FIELDS}
`;

export interface AdminProvider {
  id: string;
  name: string;
  kind: string;
  endpoint: string | null;
  visibility: ProviderVisibility;
  createdAt: string;
  capabilities: Capabilities;
  locations: Location[];
}

const ADMIN_PROVIDER_FIELDS = gql`
  fragment AdminProviderFields on Provider {
    id
    name
    kind
    endpoint
    visibility
    createdAt
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
  ${CAPABILITIES_FIELDS}
`;

export const ADMIN_PROVIDERS: TypedDocumentNode<{ providers: AdminProvider[] }, Record<string, never>> = gql`
  query AdminProviders {
    providers {
      ...AdminProviderFields
    }
  }
  ${ADMIN_PROVIDER_FIELDS}
`;

export const ADD_PROVIDER_ACCOUNT: TypedDocumentNode<
  { addProviderAccount: ProviderAccount },
  { input: { projectId: string; providerId: string; name: string; credentials: JsonObject } }
> = gql`
  mutation AddProviderAccount($input: AddProviderAccountInput!) {
    addProviderAccount(input: $input) {
      ...ProviderAccountFields
    }
  }
  ${PROVIDER_ACCOUNT_FIELDS}
`;

/** Only what is given changes; credentials are checked with the provider before they replace the old. */
export const UPDATE_PROVIDER_ACCOUNT: TypedDocumentNode<
  { updateProviderAccount: ProviderAccount },
  { input: { accountId: string; name?: string; credentials?: JsonObject } }
> = gql`
  mutation UpdateProviderAccount($input: UpdateProviderAccountInput!) {
    updateProviderAccount(input: $input) {
      ...ProviderAccountFields
    }
  }
  ${PROVIDER_ACCOUNT_FIELDS}
`;

export const ASSOCIATE_ACCOUNT: TypedDocumentNode<
  { associateProviderAccount: ProviderAccount },
  { input: { accountId: string; projectId: string } }
> = gql`
  mutation AssociateProviderAccount($input: AccountProjectInput!) {
    associateProviderAccount(input: $input) {
      ...ProviderAccountFields
    }
  }
  ${PROVIDER_ACCOUNT_FIELDS}
`;

export const DISSOCIATE_ACCOUNT: TypedDocumentNode<
  { dissociateProviderAccount: ProviderAccount },
  { input: { accountId: string; projectId: string } }
> = gql`
  mutation DissociateProviderAccount($input: AccountProjectInput!) {
    dissociateProviderAccount(input: $input) {
      ...ProviderAccountFields
    }
  }
  ${PROVIDER_ACCOUNT_FIELDS}
`;

export const REFRESH_ACCOUNT: TypedDocumentNode<
  { refreshProviderAccount: ProviderAccount },
  { input: { accountId: string } }
> = gql`
  mutation RefreshProviderAccount($input: AccountInput!) {
    refreshProviderAccount(input: $input) {
      ...ProviderAccountFields
    }
  }
  ${PROVIDER_ACCOUNT_FIELDS}
`;

export const RECONCILE_ACCOUNT: TypedDocumentNode<
  { reconcileProviderAccount: { checked: number; changed: number; account: ProviderAccount } },
  { input: { accountId: string } }
> = gql`
  mutation ReconcileProviderAccount($input: AccountInput!) {
    reconcileProviderAccount(input: $input) {
      checked
      changed
      account {
        ...ProviderAccountFields
      }
    }
  }
  ${PROVIDER_ACCOUNT_FIELDS}
`;

export const DELETE_ACCOUNT: TypedDocumentNode<
  { deleteProviderAccount: string },
  { input: { accountId: string } }
> = gql`
    mutation DeleteProviderAccount($input: AccountInput!) {
      deleteProviderAccount(input: $input)
    }
  `;

export const SET_QUOTA: TypedDocumentNode<
  { setQuota: Quota },
  {
    input: {
      projectId: string;
      machines: number | null;
      vcpus: number | null;
      memoryMiB: number | null;
      storageGiB: number | null;
    };
  }
> = gql`
  mutation SetQuota($input: SetQuotaInput!) {
    setQuota(input: $input) {
      ...QuotaFields
    }
  }
  ${QUOTA_FIELDS}
`;

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const API_TOKEN_FIELDS = gql`
  fragment ApiTokenFields on ApiToken {
    id
    name
    prefix
    createdAt
    expiresAt
    lastUsedAt
    revokedAt
  }
`;

export const API_TOKENS: TypedDocumentNode<
  { apiTokens: Connection<ApiToken> },
  { first: number; after?: string | null }
> = gql`
  query ApiTokens($first: Int, $after: String) {
    apiTokens(first: $first, after: $after) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      edges {
        cursor
        node {
          ...ApiTokenFields
        }
      }
    }
  }
  ${API_TOKEN_FIELDS}
`;

export const CREATE_API_TOKEN: TypedDocumentNode<
  { createApiToken: { apiToken: ApiToken; token: string } },
  { input: { name: string; expiresInDays?: number | null } }
> = gql`
  mutation CreateApiToken($input: CreateApiTokenInput!) {
    createApiToken(input: $input) {
      token
      apiToken {
        ...ApiTokenFields
      }
    }
  }
  ${API_TOKEN_FIELDS}
`;

export const REVOKE_API_TOKEN: TypedDocumentNode<
  { revokeApiToken: { apiToken: ApiToken } },
  { input: { id: string } }
> = gql`
  mutation RevokeApiToken($input: RevokeApiTokenInput!) {
    revokeApiToken(input: $input) {
      apiToken {
        ...ApiTokenFields
      }
    }
  }
  ${API_TOKEN_FIELDS}
`;

export const REGISTER_PROVIDER: TypedDocumentNode<
  { registerProvider: AdminProvider },
  {
    input: {
      kind: string;
      name: string;
      endpoint?: string | null;
      visibility: ProviderVisibility;
      projectIds?: string[] | null;
      settings?: JsonObject | null;
    };
  }
> = gql`
  mutation RegisterProvider($input: RegisterProviderInput!) {
    registerProvider(input: $input) {
      ...AdminProviderFields
    }
  }
  ${ADMIN_PROVIDER_FIELDS}
`;

export const SET_PROVIDER_VISIBILITY: TypedDocumentNode<
  { setProviderVisibility: { id: string; visibility: ProviderVisibility } },
  { input: { providerId: string; visibility: ProviderVisibility; projectIds?: string[] | null } }
> = gql`
  mutation SetProviderVisibility($input: SetProviderVisibilityInput!) {
    setProviderVisibility(input: $input) {
      id
      visibility
    }
  }
`;

/** Only what is given changes; `settings` is a JSON merge patch of the connector's settings. */
export const UPDATE_PROVIDER: TypedDocumentNode<
  { updateProvider: AdminProvider },
  { input: { providerId: string; name?: string; endpoint?: string | null; settings?: JsonObject } }
> = gql`
  mutation UpdateProvider($input: UpdateProviderInput!) {
    updateProvider(input: $input) {
      ...AdminProviderFields
    }
  }
  ${ADMIN_PROVIDER_FIELDS}
`;

/** A host's labels: key → value strings the scheduler's label filter matches. */

/** A host as the admin's Hosts page shows it: `HostFields` and its labels. */
export interface AdminHost extends Host {
  labels: Labels;
}

/**
 * `HostFields` (capacity, allocation, the three allocation ratios, machines) and the labels, which
 * only the Hosts page reads.
 */
export const ADMIN_HOST_FIELDS = gql`
  fragment AdminHostFields on Host {
    ...HostFields
    labels
  }
  ${HOST_FIELDS}
`;

export const ADMIN_HOSTS: TypedDocumentNode<{ hosts: AdminHost[] }, Record<string, never>> = gql`
  query AdminHosts {
    hosts {
      ...AdminHostFields
    }
  }
  ${ADMIN_HOST_FIELDS}
`;

export interface RegisterHostInput {
  providerId: string;
  name: string;
  location: string;
  cluster?: string | null;
  hypervisor: Hypervisor;
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
  /** Omitted or null: the server's default (CPU 4, RAM 1, disk 1). */
  cpuAllocationRatio?: number | null;
  ramAllocationRatio?: number | null;
  diskAllocationRatio?: number | null;
  labels?: Labels | null;
}

export const REGISTER_HOST: TypedDocumentNode<{ registerHost: AdminHost }, { input: RegisterHostInput }> =
  gql`
  mutation RegisterHost($input: RegisterHostInput!) {
    registerHost(input: $input) {
      ...AdminHostFields
    }
  }
  ${ADMIN_HOST_FIELDS}
`;

export const SET_HOST_MAINTENANCE: TypedDocumentNode<
  { setHostMaintenance: AdminHost },
  { input: { hostId: string; maintenance: boolean } }
> = gql`
  mutation SetHostMaintenance($input: HostMaintenanceInput!) {
    setHostMaintenance(input: $input) {
      ...AdminHostFields
    }
  }
  ${ADMIN_HOST_FIELDS}
`;

export const DELETE_PROVIDER: TypedDocumentNode<
  { deleteProvider: { deletedProviderId: string } },
  { input: { providerId: string } }
> = gql`
  mutation DeleteProvider($input: DeleteProviderInput!) {
    deleteProvider(input: $input) {
      deletedProviderId
    }
  }
`;

export const DELETE_HOST: TypedDocumentNode<
  { deleteHost: { deletedHostId: string } },
  { input: { hostId: string } }
> = gql`
  mutation DeleteHost($input: DeleteHostInput!) {
    deleteHost(input: $input) {
      deletedHostId
    }
  }
`;

/** Only what is given changes; `labels` replaces all the host's labels. */
export interface UpdateHostInput {
  hostId: string;
  enabled?: boolean | null;
  cpuAllocationRatio?: number | null;
  ramAllocationRatio?: number | null;
  diskAllocationRatio?: number | null;
  labels?: Labels | null;
}

export const UPDATE_HOST: TypedDocumentNode<{ updateHost: AdminHost }, { input: UpdateHostInput }> = gql`
  mutation UpdateHost($input: UpdateHostInput!) {
    updateHost(input: $input) {
      ...AdminHostFields
    }
  }
  ${ADMIN_HOST_FIELDS}
`;

export const USERS: TypedDocumentNode<
  { users: Connection<User> },
  { first: number; after?: string | null; search?: string | null }
> = gql`
  query Users($first: Int, $after: String, $search: String) {
    users(first: $first, after: $after, search: $search) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      edges {
        cursor
        node {
          id
          username
          displayName
          email
          isAdmin
          mustChangePassword
          disabled
          createdAt
        }
      }
    }
  }
`;

export const CREATE_USER: TypedDocumentNode<
  { createUser: { user: User; oneTimePassword: string | null } },
  {
    input: {
      username: string;
      displayName?: string | null;
      email?: string | null;
      isAdmin: boolean;
      password?: string | null;
      mustChangePassword: boolean;
    };
  }
> = gql`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      oneTimePassword
      user {
        id
        username
        displayName
        email
        isAdmin
        mustChangePassword
        disabled
        createdAt
      }
    }
  }
`;

export const UPDATE_USER: TypedDocumentNode<
  { updateUser: { user: User } },
  { input: { id: string; disabled?: boolean | null; isAdmin?: boolean | null } }
> = gql`
  mutation UpdateUser($input: UpdateUserInput!) {
    updateUser(input: $input) {
      user {
        id
        username
        displayName
        email
        isAdmin
        mustChangePassword
        disabled
        createdAt
      }
    }
  }
`;

export interface Evacuation {
  moving: { machine: { id: string; name: string } }[];
  left: { machine: { id: string; name: string }; reason: string }[];
}

export const EVACUATE_HOST: TypedDocumentNode<{ evacuateHost: Evacuation }, { input: { hostId: string } }> =
  gql`
  mutation EvacuateHost($input: EvacuateHostInput!) {
    evacuateHost(input: $input) {
      moving {
        machine {
          id
          name
        }
      }
      left {
        machine {
          id
          name
        }
        reason
      }
    }
  }
`;
