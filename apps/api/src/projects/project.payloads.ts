import { Field, ID, ObjectType } from 'type-graphql';
import { MembershipNode, ProjectNode } from './project.type.ts';

@ObjectType()
export class ProjectPayload {
  @Field(() => ProjectNode)
  project!: ProjectNode;
}

@ObjectType()
export class DeleteProjectPayload {
  @Field(() => ID)
  deletedProjectId!: string;
}

@ObjectType()
export class MembershipPayload {
  @Field(() => MembershipNode)
  membership!: MembershipNode;

  @Field(() => ProjectNode)
  project!: ProjectNode;
}

@ObjectType()
export class RemoveMemberPayload {
  @Field(() => ID)
  projectId!: string;

  @Field(() => ID)
  removedUserId!: string;
}
