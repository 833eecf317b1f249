import { Field, ID, InputType } from 'type-graphql';
import { ProjectRoleEnum } from './project-role.enum.ts';

@InputType()
export class CreateProjectInput {
  @Field(() => String, { description: '2 to 64 characters, unique (case does not matter).' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class UpdateProjectInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}

@InputType()
export class DeleteProjectInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class AddMemberInput {
  @Field(() => ID)
  projectId!: string;

  @Field(() => String)
  username!: string;

  @Field(() => ProjectRoleEnum)
  role!: ProjectRoleEnum;
}

@InputType()
export class ChangeMemberRoleInput {
  @Field(() => ID)
  projectId!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => ProjectRoleEnum)
  role!: ProjectRoleEnum;
}

@InputType()
export class RemoveMemberInput {
  @Field(() => ID)
  projectId!: string;

  @Field(() => ID, { description: 'Your own ID to leave the project.' })
  userId!: string;
}
