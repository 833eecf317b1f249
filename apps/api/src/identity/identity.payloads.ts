import { Field, ObjectType } from 'type-graphql';
import { ApiTokenNode } from './api-token.type.ts';
import { UserNode } from './user.type.ts';

@ObjectType()
export class LoginPayload {
  @Field(() => UserNode)
  user!: UserNode;

  @Field(() => String, {
    description:
      'The session token, for API clients without cookies (send it as `Authorization: Bearer`). ' +
      'Browsers get it as an HTTP-only cookie and need not read it.',
  })
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;
}

@ObjectType()
export class UserPayload {
  @Field(() => UserNode)
  user!: UserNode;
}

@ObjectType()
export class CreateUserPayload {
  @Field(() => UserNode)
  user!: UserNode;

  @Field(() => String, { nullable: true, description: 'Shown only here, when Levante chose the password.' })
  oneTimePassword!: string | null;
}

@ObjectType()
export class CreateApiTokenPayload {
  @Field(() => ApiTokenNode)
  apiToken!: ApiTokenNode;

  @Field(() => String, { description: 'The secret: shown this once, never again.' })
  token!: string;
}

@ObjectType()
export class ApiTokenPayload {
  @Field(() => ApiTokenNode)
  apiToken!: ApiTokenNode;
}
