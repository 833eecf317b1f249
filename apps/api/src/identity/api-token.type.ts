import type { ApiTokenRow } from '@levante/db';
import { toGlobalId } from '@levante/domain';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('ApiToken', { description: 'A token for automation; its secret is shown only when created.' })
export class ApiTokenNode {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'The first characters of the token, to tell tokens apart.' })
  prefix!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

export function toApiTokenNode(row: ApiTokenRow): ApiTokenNode {
  return {
    id: toGlobalId('ApiToken', row.id),
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
