import { gql, type TypedDocumentNode } from '@apollo/client';
import type { Connection, ProjectRole, Quota } from './types';

export interface User {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  isAdmin: boolean;
  mustChangePassword: boolean;
  disabled: boolean;
  createdAt: string;
}

const USER_FIELDS = gql`
  fragment UserFields on User {
    id
    username
    displayName
    email
    isAdmin
    mustChangePassword
    disabled
    createdAt
  }
`;

export const ME: TypedDocumentNode<{ me: User }, Record<string, never>> = gql`
  query Me {
    me {
      ...UserFields
    }
  }
  ${USER_FIELDS}
`;

export const LOGIN: TypedDocumentNode<
  { login: { user: User; expiresAt: string } },
  { input: { username: string; password: string } }
> = gql`
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      expiresAt
      user {
        ...UserFields
      }
    }
  }
  ${USER_FIELDS}
`;

export const LOGOUT: TypedDocumentNode<{ logout: boolean }, Record<string, never>> = gql`
  mutation Logout {
    logout
  }
`;

export const CHANGE_PASSWORD: TypedDocumentNode<
  { changePassword: { user: User } },
  { input: { currentPassword: string; newPassword: string } }
> = gql`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      user {
        ...UserFields
      }
    }
  }
  ${USER_FIELDS}
`;

export interface ProjectSummary {
  id: string;
  name: string;
  description: string;
  personal: boolean;
  myRole: ProjectRole | null;
}

export const PROJECTS: TypedDocumentNode<
  { projects: Connection<ProjectSummary> },
  { first: number; after?: string | null }
> = gql`
  query Projects($first: Int!, $after: String) {
    projects(first: $first, after: $after) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      edges {
        cursor
        node {
          id
          name
          description
          personal
          myRole
        }
      }
    }
  }
`;

export const CREATE_PROJECT: TypedDocumentNode<
  { createProject: { project: ProjectSummary } },
  { input: { name: string; description?: string | null } }
> = gql`
  mutation CreateProject($input: CreateProjectInput!) {
    createProject(input: $input) {
      project {
        id
        name
        description
        personal
        myRole
      }
    }
  }
`;

export const UPDATE_PROJECT: TypedDocumentNode<
  { updateProject: { project: ProjectSummary } },
  { input: { id: string; name?: string | null; description?: string | null } }
> = gql`
  mutation UpdateProject($input: UpdateProjectInput!) {
    updateProject(input: $input) {
      project {
        id
        name
        description
        personal
        myRole
      }
    }
  }
`;

export const DELETE_PROJECT: TypedDocumentNode<
  { deleteProject: { deletedProjectId: string } },
  { input: { id: string } }
> = gql`
  mutation DeleteProject($input: DeleteProjectInput!) {
    deleteProject(input: $input) {
      deletedProjectId
    }
  }
`;

/** The limits and usage of a quota, as every quota view shows them. */
export const QUOTA_FIELDS = gql`
  fragment QuotaFields on Quota {
    limits {
      machines
      vcpus
      memoryMiB
      storageGiB
    }
    usage {
      machines
      vcpus
      memoryMiB
      storageGiB
    }
  }
`;

export const PROJECT_QUOTA: TypedDocumentNode<
  { project: { id: string; name: string; quota: Quota } },
  { id: string }
> = gql`
  query ProjectQuota($id: ID!) {
    project(id: $id) {
      id
      name
      quota {
        ...QuotaFields
      }
    }
  }
  ${QUOTA_FIELDS}
`;
