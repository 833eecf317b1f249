import { toGlobalId } from '@levante/domain';
import type { Member, VisibleProject } from '@levante/engine';
import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../graphql/connection.ts';
import { toUserNode, UserNode } from '../identity/user.type.ts';
import { ProjectRoleEnum, toRoleEnum } from './project-role.enum.ts';

@ObjectType('Project', { description: 'A group of users sharing visibility on resources.' })
export class ProjectNode {
  @Field(() => ID)
  id!: string;

  /** The database id, for field resolvers; not part of the schema. */
  localId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Boolean, { description: 'The personal project every user gets.' })
  personal!: boolean;

  @Field(() => ProjectRoleEnum, {
    nullable: true,
    description: 'Your role here; null for a platform admin who is not a member.',
  })
  myRole!: ProjectRoleEnum | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

export function toProjectNode({ project, role }: VisibleProject): ProjectNode {
  return {
    id: toGlobalId('Project', project.id),
    localId: project.id,
    name: project.name,
    description: project.description,
    personal: project.personalOf !== null,
    myRole: role ? toRoleEnum(role) : null,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
  };
}

@ObjectType('Membership')
export class MembershipNode {
  @Field(() => UserNode)
  user!: UserNode;

  @Field(() => ProjectRoleEnum)
  role!: ProjectRoleEnum;

  @Field(() => Date)
  since!: Date;
}

export function toMembershipNode({ membership, user }: Member): MembershipNode {
  return { user: toUserNode(user), role: toRoleEnum(membership.role), since: membership.createdAt };
}

export const ProjectConnection = Connection('Project', ProjectNode);
export const MembershipConnection = Connection('Membership', MembershipNode);
