import { fromGlobalId, type Labels, toGlobalId } from '@levante/domain';
import type { MachineTemplateInput } from '@levante/engine';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { type Context, requireActor } from '../graphql/context.ts';
import { CreateMachinesPayload, toMachinePayload } from './machine.types.ts';
import {
  CreateMachinesFromTemplateInput,
  CreateMachineTemplateInput,
  DeleteMachineTemplateInput,
  UpdateMachineTemplateInput,
} from './machine-template.inputs.ts';
import {
  DeleteMachineTemplatePayload,
  MachineTemplateNode,
  toMachineTemplateNode,
} from './machine-template.types.ts';

function toTemplateInput(
  input: CreateMachineTemplateInput | UpdateMachineTemplateInput,
): MachineTemplateInput {
  return {
    name: input.name,
    description: input.description ?? null,
    accountId: fromGlobalId('ProviderAccount', input.accountId, 'accountId'),
    locationId: fromGlobalId('Location', input.locationId, 'locationId'),
    imageId: fromGlobalId('MachineImage', input.imageId, 'imageId'),
    configurationId: fromGlobalId('MachineConfiguration', input.configurationId, 'configurationId'),
    placementGroupId: input.placementGroupId
      ? fromGlobalId('PlacementGroup', input.placementGroupId, 'placementGroupId')
      : null,
    labels: (input.labels as Labels | null | undefined) ?? null,
    userData: input.userData ?? null,
  };
}

@Resolver()
export class MachineTemplateResolver {
  @Query(() => [MachineTemplateNode], { description: "The project's machine templates, by name." })
  async machineTemplates(
    @Arg('projectId', () => ID) projectId: string,
    @Ctx() ctx: Context,
  ): Promise<MachineTemplateNode[]> {
    const views = await ctx.engine.machineTemplates.list(
      requireActor(ctx),
      fromGlobalId('Project', projectId, 'projectId'),
    );
    return views.map(toMachineTemplateNode);
  }

  @Query(() => MachineTemplateNode)
  async machineTemplate(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<MachineTemplateNode> {
    return toMachineTemplateNode(
      await ctx.engine.machineTemplates.byId(requireActor(ctx), fromGlobalId('MachineTemplate', id)),
    );
  }

  @Mutation(() => MachineTemplateNode, {
    description: 'Saves a recipe for machines, checked as a create would check it.',
  })
  async createMachineTemplate(
    @Arg('input', () => CreateMachineTemplateInput) input: CreateMachineTemplateInput,
    @Ctx() ctx: Context,
  ): Promise<MachineTemplateNode> {
    return toMachineTemplateNode(
      await ctx.engine.machineTemplates.create(
        requireActor(ctx),
        fromGlobalId('Project', input.projectId, 'projectId'),
        toTemplateInput(input),
      ),
    );
  }

  @Mutation(() => MachineTemplateNode, {
    description: 'Replaces what a template holds. Machines made from it before are not changed.',
  })
  async updateMachineTemplate(
    @Arg('input', () => UpdateMachineTemplateInput) input: UpdateMachineTemplateInput,
    @Ctx() ctx: Context,
  ): Promise<MachineTemplateNode> {
    return toMachineTemplateNode(
      await ctx.engine.machineTemplates.update(
        requireActor(ctx),
        fromGlobalId('MachineTemplate', input.templateId, 'templateId'),
        toTemplateInput(input),
      ),
    );
  }

  @Mutation(() => DeleteMachineTemplatePayload, {
    description: 'Deletes a template. Machines made from it are not changed.',
  })
  async deleteMachineTemplate(
    @Arg('input', () => DeleteMachineTemplateInput) input: DeleteMachineTemplateInput,
    @Ctx() ctx: Context,
  ): Promise<DeleteMachineTemplatePayload> {
    const template = await ctx.engine.machineTemplates.delete(
      requireActor(ctx),
      fromGlobalId('MachineTemplate', input.templateId, 'templateId'),
    );
    return { deletedMachineTemplateId: toGlobalId('MachineTemplate', template.id) };
  }

  @Mutation(() => CreateMachinesPayload, {
    description:
      "Creates machines as a template says, each checked and created as createMachine does (the template's project, quota and placement). Answers at once with each machine in CREATING and its job.",
  })
  async createMachinesFromTemplate(
    @Arg('input', () => CreateMachinesFromTemplateInput) input: CreateMachinesFromTemplateInput,
    @Ctx() ctx: Context,
  ): Promise<CreateMachinesPayload> {
    const actor = requireActor(ctx);
    const created = await ctx.engine.machineTemplates.createMachines(actor, {
      templateId: fromGlobalId('MachineTemplate', input.templateId, 'templateId'),
      name: input.name,
      count: input.count ?? 1,
      labels: (input.labels as Labels | null | undefined) ?? null,
      hostId: input.hostId ? fromGlobalId('Host', input.hostId, 'hostId') : null,
    });
    return { created: created.map((machine) => toMachinePayload(actor, machine)) };
  }
}
