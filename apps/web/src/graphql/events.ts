import { gql, type TypedDocumentNode } from '@apollo/client';
import type { Connection, Event } from './types';

const EVENT_FIELDS = gql`
  fragment EventFields on Event {
    id
    type
    at
    summary
    actorId
    actorName
    projectId
    projectName
    subjectId
    subjectType
  }
`;

export const EVENTS: TypedDocumentNode<
  { events: Connection<Event> },
  {
    projectId?: string | null;
    subjectId?: string | null;
    types?: string[] | null;
    first: number;
    after?: string | null;
  }
> = gql`
  query Events($projectId: ID, $subjectId: ID, $types: [String!], $first: Int, $after: String) {
    events(projectId: $projectId, subjectId: $subjectId, types: $types, first: $first, after: $after) {
      totalCount
      pageInfo {
        endCursor
        hasNextPage
      }
      edges {
        cursor
        node {
          ...EventFields
        }
      }
    }
  }
  ${EVENT_FIELDS}
`;

export const EVENTS_LIVE: TypedDocumentNode<
  { events: Event },
  { projectId?: string | null; subjectId?: string | null; types?: string[] | null }
> = gql`
  subscription EventsLive($projectId: ID, $subjectId: ID, $types: [String!]) {
    events(projectId: $projectId, subjectId: $subjectId, types: $types) {
      ...EventFields
    }
  }
  ${EVENT_FIELDS}
`;
