import { fromGlobalId, toGlobalId } from '@levante/domain';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { type Context, requireActor } from '../graphql/context.ts';
import {
  DeleteProviderInput,
  RegisterProviderInput,
  SetProviderVisibilityInput,
  UpdateProviderInput,
} from './provider.inputs.ts';
import {
  CapabilitiesNode,
  DeleteProviderPayload,
  LocationNode,
  ProviderKindNode,
  ProviderNode,
  toLocationNode,
  toProviderKindNode,
  toProviderNode,
} from './provider.types.ts';

@Resolver(() => ProviderNode)
export class ProviderResolver {
  @Query(() => [ProviderKindNode], {
    description: 'The connectors this Levante offers, with their capabilities.',
  })
  async providerKinds(@Ctx() ctx: Context): Promise<ProviderKindNode[]> {
    requireActor(ctx);
    return (await ctx.engine.providerQueries.kinds()).map(toProviderKindNode);
  }

  @Query(() => [ProviderNode], {
    description: 'Providers your projects may use (all of them for platform admins).',
  })
  async providers(@Ctx() ctx: Context): Promise<ProviderNode[]> {
    return (await ctx.engine.providerQueries.list(requireActor(ctx))).map(toProviderNode);
  }

  @Query(() => ProviderNode)
  async provider(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ProviderNode> {
    return toProviderNode(
      await ctx.engine.providerQueries.byId(requireActor(ctx), fromGlobalId('Provider', id)),
    );
  }

  @FieldResolver(() => [LocationNode])
  async locations(@Root() provider: ProviderNode, @Ctx() ctx: Context): Promise<LocationNode[]> {
    return (await ctx.engine.providerQueries.locations(requireActor(ctx), provider.localId)).map(
      toLocationNode,
    );
  }

  @FieldResolver(() => CapabilitiesNode)
  async capabilities(@Root() provider: ProviderNode, @Ctx() ctx: Context): Promise<CapabilitiesNode> {
    return ctx.engine.providerQueries.capabilities(provider.kind, provider.settings);
  }

  @Mutation(() => ProviderNode, { description: 'Registers a provider. Platform admins only.' })
  async registerProvider(
    @Arg('input', () => RegisterProviderInput) input: RegisterProviderInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderNode> {
    const provider = await ctx.engine.providers.register(requireActor(ctx), {
      kind: input.kind,
      name: input.name,
      endpoint: input.endpoint ?? null,
      visibility: input.visibility ?? 'all',
      projectIds: (input.projectIds ?? []).map((id) => fromGlobalId('Project', id, 'projectIds')),
      settings: input.settings ?? {},
    });
    return toProviderNode(provider);
  }

  @Mutation(() => DeleteProviderPayload, {
    description:
      'Deletes a provider and its hosts. Refused (CONFLICT) while projects have accounts on it. Deleted machines keep naming it in their history. Platform admins only.',
  })
  async deleteProvider(
    @Arg('input', () => DeleteProviderInput) input: DeleteProviderInput,
    @Ctx() ctx: Context,
  ): Promise<DeleteProviderPayload> {
    const provider = await ctx.engine.providers.delete(
      requireActor(ctx),
      fromGlobalId('Provider', input.providerId, 'providerId'),
    );
    return { deletedProviderId: toGlobalId('Provider', provider.id) };
  }

  @Mutation(() => ProviderNode, {
    description:
      'Renames a provider, or changes its endpoint or connector settings; its accounts reconnect with them, and their catalogs are read again by a job each. Platform admins only.',
  })
  async updateProvider(
    @Arg('input', () => UpdateProviderInput) input: UpdateProviderInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderNode> {
    const provider = await ctx.engine.providers.update(
      requireActor(ctx),
      fromGlobalId('Provider', input.providerId, 'providerId'),
      {
        ...(input.name == null ? {} : { name: input.name }),
        ...(input.endpoint === undefined ? {} : { endpoint: input.endpoint }),
        ...(input.settings == null ? {} : { settings: input.settings }),
      },
    );
    return toProviderNode(provider);
  }

  @Mutation(() => ProviderNode, {
    description: 'Changes which projects may use a provider. Platform admins only.',
  })
  async setProviderVisibility(
    @Arg('input', () => SetProviderVisibilityInput) input: SetProviderVisibilityInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderNode> {
    const provider = await ctx.engine.providers.setVisibility(
      requireActor(ctx),
      fromGlobalId('Provider', input.providerId, 'providerId'),
      input.visibility,
      (input.projectIds ?? []).map((id) => fromGlobalId('Project', id, 'projectIds')),
    );
    return toProviderNode(provider);
  }
}
