import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { ProviderVisibilityEnum } from './provider.types.ts';

@InputType()
export class RegisterProviderInput {
  @Field(() => String, { description: 'A kind from `providerKinds`, e.g. "local".' })
  kind!: string;
  @Field(() => String)
  name!: string;
  @Field(() => String, { nullable: true })
  endpoint?: string | null;
  @Field(() => ProviderVisibilityEnum, { nullable: true, defaultValue: ProviderVisibilityEnum.ALL })
  visibility?: ProviderVisibilityEnum;
  @Field(() => [ID], {
    nullable: true,
    description: 'With visibility PROJECTS: the projects that may use it.',
  })
  projectIds?: string[] | null;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: "Connector settings (see the connector's docs).",
  })
  settings?: Record<string, unknown> | null;
}

@InputType()
export class SetProviderVisibilityInput {
  @Field(() => ID)
  providerId!: string;
  @Field(() => ProviderVisibilityEnum)
  visibility!: ProviderVisibilityEnum;
  @Field(() => [ID], { nullable: true })
  projectIds?: string[] | null;
}

@InputType()
export class DeleteProviderInput {
  @Field(() => ID)
  providerId!: string;
}

@InputType({ description: 'Only what is given changes.' })
export class UpdateProviderInput {
  @Field(() => ID)
  providerId!: string;
  @Field(() => String, { nullable: true })
  name?: string | null;
  @Field(() => String, { nullable: true, description: 'Null removes the endpoint.' })
  endpoint?: string | null;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'What changes in the connector settings, as a JSON merge patch (RFC 7396): objects merge, null removes a key, anything else replaces it.',
  })
  settings?: Record<string, unknown> | null;
}

@InputType()
export class AddProviderAccountInput {
  @Field(() => ID)
  projectId!: string;
  @Field(() => ID)
  providerId!: string;
  @Field(() => String)
  name!: string;
  @Field(() => GraphQLJSONObject, {
    description:
      "Checked against the connector's credentials schema, then with the provider; stored encrypted.",
  })
  credentials!: Record<string, unknown>;
}

@InputType()
export class AccountProjectInput {
  @Field(() => ID)
  accountId!: string;
  @Field(() => ID)
  projectId!: string;
}

@InputType({ description: 'Only what is given changes.' })
export class UpdateProviderAccountInput {
  @Field(() => ID)
  accountId!: string;
  @Field(() => String, { nullable: true })
  name?: string | null;
  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      "New credentials (keys rotated at the provider): checked like an account's first ones, and they must still reach the account's machines; stored encrypted.",
  })
  credentials?: Record<string, unknown> | null;
}

@InputType()
export class AccountInput {
  @Field(() => ID)
  accountId!: string;
}
