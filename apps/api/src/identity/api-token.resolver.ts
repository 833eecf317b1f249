import { fromGlobalId } from '@levante/domain';
import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Connection, type ConnectionShape, toConnection } from '../graphql/connection.ts';
import { ConnectionArgs } from '../graphql/connection-args.ts';
import { type Context, requireActor } from '../graphql/context.ts';
import { ApiTokenNode, toApiTokenNode } from './api-token.type.ts';
import { CreateApiTokenInput, RevokeApiTokenInput } from './identity.inputs.ts';
import { ApiTokenPayload, CreateApiTokenPayload } from './identity.payloads.ts';

const ApiTokenConnection = Connection('ApiToken', ApiTokenNode);

@Resolver()
export class ApiTokenResolver {
  @Query(() => ApiTokenConnection, { description: 'Your API tokens, newest first, revoked ones included.' })
  async apiTokens(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<ApiTokenNode>> {
    return toConnection(await ctx.engine.apiTokens.list(requireActor(ctx), args), toApiTokenNode);
  }

  @Mutation(() => CreateApiTokenPayload, {
    description: 'Creates a token acting as you; its secret is shown once.',
  })
  async createApiToken(
    @Arg('input', () => CreateApiTokenInput) input: CreateApiTokenInput,
    @Ctx() ctx: Context,
  ): Promise<CreateApiTokenPayload> {
    const { apiToken, token } = await ctx.engine.apiTokens.create(requireActor(ctx), input);
    return { apiToken: toApiTokenNode(apiToken), token };
  }

  @Mutation(() => ApiTokenPayload, { description: 'Revokes one of your tokens at once.' })
  async revokeApiToken(
    @Arg('input', () => RevokeApiTokenInput) input: RevokeApiTokenInput,
    @Ctx() ctx: Context,
  ): Promise<ApiTokenPayload> {
    const row = await ctx.engine.apiTokens.revoke(requireActor(ctx), fromGlobalId('ApiToken', input.id));
    return { apiToken: toApiTokenNode(row) };
  }
}
