import type { UserRow } from '@levante/db';
import { toGlobalId } from '@levante/domain';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('User')
export class UserNode {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  username!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => Boolean, { description: 'Platform admins manage users, providers and hosts.' })
  isAdmin!: boolean;

  @Field(() => Boolean, { description: 'True until the user replaces a one-time password.' })
  mustChangePassword!: boolean;

  @Field(() => Boolean)
  disabled!: boolean;

  @Field(() => Date)
  createdAt!: Date;
}

export function toUserNode(row: Omit<UserRow, 'passwordHash'>): UserNode {
  return {
    id: toGlobalId('User', row.id),
    username: row.username,
    displayName: row.displayName,
    email: row.email,
    isAdmin: row.isAdmin,
    mustChangePassword: row.mustChangePassword,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt,
  };
}
