import { type LevanteEvent, NODE_TYPES, type NodeType, toGlobalId } from '@levante/domain';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../graphql/connection.ts';

@ObjectType('Event', { description: 'One entry of the append-only activity log.' })
export class EventNode {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  at!: Date;

  @Field(() => String, { description: 'What happened, e.g. `membership.added`.' })
  type!: string;

  @Field(() => ID, { nullable: true, description: 'The user who did it; null for the system.' })
  actorId!: string | null;

  @Field(() => String, { nullable: true })
  actorName!: string | null;

  @Field(() => ID, { nullable: true, description: 'Null for platform-wide events.' })
  projectId!: string | null;

  @Field(() => String)
  subjectType!: string;

  @Field(() => ID)
  subjectId!: string;

  @Field(() => String, { description: 'A sentence for people.' })
  summary!: string;

  @Field(() => GraphQLJSONObject, { nullable: true })
  before!: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  after!: Record<string, unknown> | null;
}

const isNodeType = (type: string): type is NodeType => (NODE_TYPES as readonly string[]).includes(type);

export function toEventNode(event: LevanteEvent): EventNode {
  return {
    id: toGlobalId('Event', event.id),
    at: event.at,
    type: event.type,
    actorId: event.actorId ? toGlobalId('User', event.actorId) : null,
    actorName: event.actorName,
    projectId: event.projectId ? toGlobalId('Project', event.projectId) : null,
    subjectType: event.subjectType,
    subjectId: isNodeType(event.subjectType)
      ? toGlobalId(event.subjectType, event.subjectId)
      : event.subjectId,
    summary: event.summary,
    before: event.before,
    after: event.after,
  };
}

export const EventConnection = Connection('Event', EventNode);
