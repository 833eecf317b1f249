import { fromGlobalId } from '@levante/domain';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { type Context, requireActor } from '../graphql/context.ts';
import {
  AdoptMachineInput,
  AdoptMachinePayload,
  toUnmanagedMachineNode,
  UnmanagedMachineNode,
} from './adoption.types.ts';
import { toMachineNode } from './machine.types.ts';

@Resolver()
export class AdoptionResolver {
  @Query(() => [UnmanagedMachineNode], {
    description:
      'The machines the provider runs for the account that Levante does not manage (made before Levante, by hand or by another tool). Asks the provider: as slow as its listing.',
  })
  async unmanagedMachines(
    @Arg('projectId', () => ID) projectId: string,
    @Arg('accountId', () => ID) accountId: string,
    @Ctx() ctx: Context,
  ): Promise<UnmanagedMachineNode[]> {
    const machines = await ctx.engine.adoption.unmanaged(
      requireActor(ctx),
      fromGlobalId('Project', projectId, 'projectId'),
      fromGlobalId('ProviderAccount', accountId, 'accountId'),
    );
    return machines.map(toUnmanagedMachineNode);
  }

  @Mutation(() => AdoptMachinePayload, {
    description:
      'Makes an unmanaged machine a machine of the project: Levante manages it from then on (inventory, actions, quota, placement) in the state the provider reports. Nothing changes at the provider.',
  })
  async adoptMachine(
    @Arg('input', () => AdoptMachineInput) input: AdoptMachineInput,
    @Ctx() ctx: Context,
  ): Promise<AdoptMachinePayload> {
    const item = await ctx.engine.adoption.adopt(requireActor(ctx), {
      projectId: fromGlobalId('Project', input.projectId, 'projectId'),
      accountId: fromGlobalId('ProviderAccount', input.accountId, 'accountId'),
      locationId: fromGlobalId('Location', input.locationId, 'locationId'),
      ref: input.ref,
      name: input.name ?? null,
    });
    return { machine: toMachineNode(item) };
  }
}
