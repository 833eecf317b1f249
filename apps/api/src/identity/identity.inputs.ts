import { Field, ID, InputType, Int } from 'type-graphql';

@InputType()
export class LoginInput {
  @Field(() => String)
  username!: string;

  @Field(() => String)
  password!: string;
}

@InputType()
export class ChangePasswordInput {
  @Field(() => String)
  currentPassword!: string;

  @Field(() => String, { description: 'At least 12 characters.' })
  newPassword!: string;
}

@InputType()
export class CreateUserInput {
  @Field(() => String, {
    description: '2 to 40 letters, digits, dots, dashes or underscores; stored in lower case.',
  })
  username!: string;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'When omitted, Levante generates a one-time password and returns it once.',
  })
  password?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  isAdmin?: boolean;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'Whether the user must change the password at first login.',
  })
  mustChangePassword?: boolean;
}

@InputType()
export class UpdateUserInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => Boolean, { nullable: true })
  isAdmin?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'A disabled user cannot log in; their sessions end.' })
  disabled?: boolean | null;
}

@InputType()
export class CreateApiTokenInput {
  @Field(() => String)
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Days until it expires (1 to 3650); never when omitted.' })
  expiresInDays?: number | null;
}

@InputType()
export class RevokeApiTokenInput {
  @Field(() => ID)
  id!: string;
}
