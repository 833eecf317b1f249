import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { type Context, requireActor } from '../graphql/context.ts';
import { ChangePasswordInput, LoginInput } from './identity.inputs.ts';
import { LoginPayload, UserPayload } from './identity.payloads.ts';
import { toUserNode, UserNode } from './user.type.ts';

@Resolver()
export class AuthResolver {
  @Query(() => UserNode, { description: 'The user you are logged in as.' })
  async me(@Ctx() ctx: Context): Promise<UserNode> {
    const actor = requireActor(ctx);
    return toUserNode(ctx.user ?? (await ctx.engine.userQueries.me(actor)));
  }

  @Mutation(() => LoginPayload, {
    description: 'Opens a session; browsers receive it as an HTTP-only cookie.',
  })
  async login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: Context): Promise<LoginPayload> {
    const { actor, token, expiresAt } = await ctx.engine.auth.login(input, ctx.clientAddress);
    ctx.session?.set(token, expiresAt);
    return { user: toUserNode(await ctx.engine.userQueries.me(actor)), token, expiresAt };
  }

  @Mutation(() => Boolean, { description: 'Ends the current session.' })
  async logout(@Ctx() ctx: Context): Promise<boolean> {
    await ctx.engine.auth.logout(requireActor(ctx));
    ctx.session?.clear();
    return true;
  }

  @Mutation(() => UserPayload, { description: 'Changes your password and ends your other sessions.' })
  async changePassword(
    @Arg('input', () => ChangePasswordInput) input: ChangePasswordInput,
    @Ctx() ctx: Context,
  ): Promise<UserPayload> {
    return { user: toUserNode(await ctx.engine.users.changePassword(requireActor(ctx), input)) };
  }
}
