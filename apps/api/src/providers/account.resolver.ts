import { fromGlobalId, toGlobalId } from '@levante/domain';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { type Context, requireActor } from '../graphql/context.ts';
import {
  AccountInput,
  AccountProjectInput,
  AddProviderAccountInput,
  UpdateProviderAccountInput,
} from './provider.inputs.ts';
import {
  AccountReconciliationNode,
  MachineConfigurationNode,
  MachineImageNode,
  ProviderAccountNode,
  toAccountNode,
  toConfigurationNode,
  toImageNode,
} from './provider.types.ts';

@Resolver(() => ProviderAccountNode)
export class AccountResolver {
  @Query(() => [ProviderAccountNode], {
    description: 'The accounts a project may use: its own and those shared with it.',
  })
  async providerAccounts(
    @Arg('projectId', () => ID) projectId: string,
    @Ctx() ctx: Context,
  ): Promise<ProviderAccountNode[]> {
    const rows = await ctx.engine.providerQueries.accounts(
      requireActor(ctx),
      fromGlobalId('Project', projectId, 'projectId'),
    );
    return rows.map(toAccountNode);
  }

  @Query(() => [MachineImageNode], { description: 'Images an account offers in a location.' })
  async images(
    @Arg('accountId', () => ID) accountId: string,
    @Arg('locationId', () => ID) locationId: string,
    @Ctx() ctx: Context,
  ): Promise<MachineImageNode[]> {
    const rows = await ctx.engine.providerQueries.images(
      requireActor(ctx),
      fromGlobalId('ProviderAccount', accountId, 'accountId'),
      fromGlobalId('Location', locationId, 'locationId'),
    );
    return rows.map(toImageNode);
  }

  @Query(() => [MachineConfigurationNode], {
    description: 'Configurations (flavors) an account offers in a location.',
  })
  async configurations(
    @Arg('accountId', () => ID) accountId: string,
    @Arg('locationId', () => ID) locationId: string,
    @Ctx() ctx: Context,
  ): Promise<MachineConfigurationNode[]> {
    const rows = await ctx.engine.providerQueries.configurations(
      requireActor(ctx),
      fromGlobalId('ProviderAccount', accountId, 'accountId'),
      fromGlobalId('Location', locationId, 'locationId'),
    );
    return rows.map(toConfigurationNode);
  }

  @FieldResolver(() => [ID], { description: 'The projects it is shared with, among those you can see.' })
  async sharedWith(@Root() account: ProviderAccountNode, @Ctx() ctx: Context): Promise<string[]> {
    const ids = await ctx.engine.providerQueries.accountProjects(requireActor(ctx), account.localId);
    return ids.map((id) => toGlobalId('Project', id));
  }

  @Mutation(() => ProviderAccountNode, {
    description: 'Adds an account to a project after the provider accepted its credentials.',
  })
  async addProviderAccount(
    @Arg('input', () => AddProviderAccountInput) input: AddProviderAccountInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderAccountNode> {
    const actor = requireActor(ctx);
    const account = await ctx.engine.accounts.add(actor, {
      projectId: fromGlobalId('Project', input.projectId, 'projectId'),
      providerId: fromGlobalId('Provider', input.providerId, 'providerId'),
      name: input.name,
      credentials: input.credentials,
    });
    return toAccountNode(await ctx.engine.providerQueries.account(actor, account.id));
  }

  @Mutation(() => ProviderAccountNode, {
    description:
      'Renames an account or replaces its credentials; every process reconnects with new ones. Needs write access to the project that brought it.',
  })
  async updateProviderAccount(
    @Arg('input', () => UpdateProviderAccountInput) input: UpdateProviderAccountInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderAccountNode> {
    const actor = requireActor(ctx);
    const accountId = fromGlobalId('ProviderAccount', input.accountId, 'accountId');
    await ctx.engine.accounts.update(actor, accountId, {
      ...(input.name == null ? {} : { name: input.name }),
      ...(input.credentials == null ? {} : { credentials: input.credentials }),
    });
    return toAccountNode(await ctx.engine.providerQueries.account(actor, accountId));
  }

  @Mutation(() => ProviderAccountNode, { description: 'Shares an account with another project of yours.' })
  async associateProviderAccount(
    @Arg('input', () => AccountProjectInput) input: AccountProjectInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderAccountNode> {
    const actor = requireActor(ctx);
    const accountId = fromGlobalId('ProviderAccount', input.accountId, 'accountId');
    await ctx.engine.accounts.associate(
      actor,
      accountId,
      fromGlobalId('Project', input.projectId, 'projectId'),
    );
    return toAccountNode(await ctx.engine.providerQueries.account(actor, accountId));
  }

  @Mutation(() => ProviderAccountNode, {
    description: 'Stops sharing an account with a project that has no machine on it.',
  })
  async dissociateProviderAccount(
    @Arg('input', () => AccountProjectInput) input: AccountProjectInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderAccountNode> {
    const actor = requireActor(ctx);
    const accountId = fromGlobalId('ProviderAccount', input.accountId, 'accountId');
    await ctx.engine.accounts.dissociate(
      actor,
      accountId,
      fromGlobalId('Project', input.projectId, 'projectId'),
    );
    return toAccountNode(await ctx.engine.providerQueries.account(actor, accountId));
  }

  @Mutation(() => ID, { description: 'Deletes an account without machines; answers its ID.' })
  async deleteProviderAccount(
    @Arg('input', () => AccountInput) input: AccountInput,
    @Ctx() ctx: Context,
  ): Promise<string> {
    const account = await ctx.engine.accounts.delete(
      requireActor(ctx),
      fromGlobalId('ProviderAccount', input.accountId, 'accountId'),
    );
    return toGlobalId('ProviderAccount', account.id);
  }

  @Mutation(() => ProviderAccountNode, {
    description: 'Reads locations, images and configurations from the provider again.',
  })
  async refreshProviderAccount(
    @Arg('input', () => AccountInput) input: AccountInput,
    @Ctx() ctx: Context,
  ): Promise<ProviderAccountNode> {
    const actor = requireActor(ctx);
    const accountId = fromGlobalId('ProviderAccount', input.accountId, 'accountId');
    await ctx.engine.accounts.refreshCatalog(actor, accountId);
    return toAccountNode(await ctx.engine.providerQueries.account(actor, accountId));
  }

  @Mutation(() => AccountReconciliationNode, {
    description:
      "Compares the account's machines with the provider now (workers also do it periodically) and records those stopped, started or deleted outside Levante.",
  })
  async reconcileProviderAccount(
    @Arg('input', () => AccountInput) input: AccountInput,
    @Ctx() ctx: Context,
  ): Promise<AccountReconciliationNode> {
    const actor = requireActor(ctx);
    const accountId = fromGlobalId('ProviderAccount', input.accountId, 'accountId');
    const { checked, changed } = await ctx.engine.accounts.reconcile(actor, accountId);
    return {
      account: toAccountNode(await ctx.engine.providerQueries.account(actor, accountId)),
      checked,
      changed,
    };
  }
}
