import { fromGlobalId } from '@levante/domain';
import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Connection, type ConnectionShape, toConnection } from '../graphql/connection.ts';
import { ConnectionArgs } from '../graphql/connection-args.ts';
import { type Context, requireActor } from '../graphql/context.ts';
import { CreateUserInput, UpdateUserInput } from './identity.inputs.ts';
import { CreateUserPayload, UserPayload } from './identity.payloads.ts';
import { toUserNode, UserNode } from './user.type.ts';

const UserConnection = Connection('User', UserNode);

@Resolver()
export class UserResolver {
  @Query(() => UserConnection, { description: 'Every user, by username. Platform admins only.' })
  async users(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Arg('search', () => String, { nullable: true }) search: string | null,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<UserNode>> {
    return toConnection(
      await ctx.engine.userQueries.list(requireActor(ctx), { ...args, search }),
      toUserNode,
    );
  }

  @Query(() => UserNode, { description: 'A user: yourself, or anyone for platform admins.' })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<UserNode> {
    return toUserNode(await ctx.engine.userQueries.byId(requireActor(ctx), fromGlobalId('User', id)));
  }

  @Mutation(() => CreateUserPayload, {
    description: 'Creates a user and their personal project. Platform admins only.',
  })
  async createUser(
    @Arg('input', () => CreateUserInput) input: CreateUserInput,
    @Ctx() ctx: Context,
  ): Promise<CreateUserPayload> {
    const { user, oneTimePassword } = await ctx.engine.users.create(requireActor(ctx), input);
    return { user: toUserNode(user), oneTimePassword };
  }

  @Mutation(() => UserPayload, {
    description: 'Changes a user, grants or removes admin rights, disables. Admins only.',
  })
  async updateUser(
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
    @Ctx() ctx: Context,
  ): Promise<UserPayload> {
    const { id, ...changes } = input;
    return {
      user: toUserNode(await ctx.engine.users.update(requireActor(ctx), fromGlobalId('User', id), changes)),
    };
  }
}
