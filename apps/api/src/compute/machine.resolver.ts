import {
  type Actor,
  fromGlobalId,
  type Labels,
  LevanteError,
  type LevanteEvent,
  type MachineAction,
  toGlobalId,
} from '@levante/domain';
import type { CreateMachineInput as EngineCreateInput, JobView } from '@levante/engine';
import { Arg, Args, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { type ConnectionShape, toConnection } from '../graphql/connection.ts';
import { ConnectionArgs } from '../graphql/connection-args.ts';
import { type Context, requireActor } from '../graphql/context.ts';
import {
  CreateMachineInput,
  CreateMachinesInput,
  CreatePlacementGroupInput,
  DeletePlacementGroupInput,
  JobFilter,
  MachineActionInput,
  MachineActionsInput,
  MachineFilter,
  MigrateMachineInput,
  RenameMachineInput,
  SetMachineLabelsInput,
} from './compute.inputs.ts';
import {
  CreateMachinesPayload,
  DeletePlacementGroupPayload,
  JobConnection,
  JobNode,
  MachineActionsPayload,
  MachineConnection,
  MachineNode,
  MachinePayload,
  PlacementGroupNode,
  toAskedJobNode,
  toJobNode,
  toMachineNode,
  toMachinePayload,
  toPlacementGroupNode,
} from './machine.types.ts';
import { MACHINE_EVENT_TYPES, mapStream } from './placement-changes.ts';

const finished = (job: JobView) => job.state !== 'queued' && job.state !== 'running';

/** The job now, then after each event that mentions it; ends once the job has finished. */
async function* jobUpdates(
  ctx: Context,
  actor: Actor,
  jobId: string,
  events: AsyncIterableIterator<LevanteEvent>,
): AsyncGenerator<JobView> {
  try {
    const current = await ctx.engine.jobQueries.byId(actor, jobId);
    yield current;
    if (finished(current)) return;
    for await (const event of events) {
      if (event.after?.jobId !== jobId) continue;
      const job = await ctx.engine.jobQueries.byId(actor, jobId);
      yield job;
      if (finished(job)) return;
    }
  } finally {
    await events.return?.();
  }
}

const optionalId = (
  type: Parameters<typeof fromGlobalId>[0],
  id: string | null | undefined,
  field: string,
) => (id ? fromGlobalId(type, id, field) : null);

function toCreateInput(input: CreateMachineInput): EngineCreateInput {
  return {
    projectId: fromGlobalId('Project', input.projectId, 'projectId'),
    accountId: fromGlobalId('ProviderAccount', input.accountId, 'accountId'),
    locationId: fromGlobalId('Location', input.locationId, 'locationId'),
    imageId: fromGlobalId('MachineImage', input.imageId, 'imageId'),
    configurationId: fromGlobalId('MachineConfiguration', input.configurationId, 'configurationId'),
    name: input.name,
    placementGroupId: optionalId('PlacementGroup', input.placementGroupId, 'placementGroupId'),
    hostId: optionalId('Host', input.hostId, 'hostId'),
    userData: input.userData ?? null,
    labels: (input.labels as Labels | null | undefined) ?? null,
  };
}

@Resolver()
export class MachineResolver {
  @Query(() => MachineConnection, {
    description: 'Every machine you may see, across providers and accounts, newest first.',
  })
  async machines(
    @Arg('filter', () => MachineFilter, { nullable: true }) filter: MachineFilter | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<MachineNode>> {
    const page = await ctx.engine.machineQueries.inventory(
      requireActor(ctx),
      {
        projectId: optionalId('Project', filter?.projectId, 'filter.projectId'),
        providerId: optionalId('Provider', filter?.providerId, 'filter.providerId'),
        locationId: optionalId('Location', filter?.locationId, 'filter.locationId'),
        states: filter?.states ?? null,
        name: filter?.name ?? null,
        includeDeleted: filter?.includeDeleted ?? false,
        labels: (filter?.labels as Labels | null | undefined) ?? null,
      },
      args,
    );
    return toConnection(page, toMachineNode);
  }

  @Query(() => MachineNode)
  async machine(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<MachineNode> {
    return toMachineNode(
      await ctx.engine.machineQueries.byId(requireActor(ctx), fromGlobalId('Machine', id)),
    );
  }

  @Query(() => JobNode)
  async job(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<JobNode> {
    return toJobNode(await ctx.engine.jobQueries.byId(requireActor(ctx), fromGlobalId('Job', id)));
  }

  @Query(() => JobConnection, {
    description: 'The jobs of the projects you may see, newest first: what Levante is doing and has done.',
  })
  async jobs(
    @Arg('filter', () => JobFilter, { nullable: true }) filter: JobFilter | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<JobNode>> {
    const page = await ctx.engine.jobQueries.list(
      requireActor(ctx),
      {
        projectId: optionalId('Project', filter?.projectId, 'filter.projectId'),
        machineId: optionalId('Machine', filter?.machineId, 'filter.machineId'),
        states: filter?.states ?? null,
        kinds: filter?.kinds ?? null,
      },
      args,
    );
    return toConnection(page, toJobNode);
  }

  @Mutation(() => JobNode, {
    description:
      'Cancels a job that has not finished, and answers it with `cancelRequested`. A waiting job (for its first attempt or a retry) is given up by the next worker; a running one stops at its next look at the provider (one that finishes first ends as it would have). The job then ends cancelled. Before any attempt, its machine is left as it was (a machine being created is DELETED); after one, the provider may have acted, so the machine goes to ERROR with who cancelled it, and Levante then asks the provider what became of it. A finished job is refused with INVALID_STATE.',
  })
  async cancelJob(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<JobNode> {
    return toJobNode(await ctx.engine.jobs.cancel(requireActor(ctx), fromGlobalId('Job', id, 'id')));
  }

  @Query(() => [PlacementGroupNode])
  async placementGroups(
    @Arg('projectId', () => ID) projectId: string,
    @Ctx() ctx: Context,
  ): Promise<PlacementGroupNode[]> {
    const rows = await ctx.engine.placementGroups.list(
      requireActor(ctx),
      fromGlobalId('Project', projectId, 'projectId'),
    );
    return rows.map(toPlacementGroupNode);
  }

  @Mutation(() => MachinePayload, {
    description: 'Asks for a machine. Answers at once with the machine in CREATING and its job.',
  })
  async createMachine(
    @Arg('input', () => CreateMachineInput) input: CreateMachineInput,
    @Ctx() ctx: Context,
  ): Promise<MachinePayload> {
    const actor = requireActor(ctx);
    return toMachinePayload(actor, await ctx.engine.machines.create(actor, toCreateInput(input)));
  }

  @Mutation(() => CreateMachinesPayload, {
    description:
      'Asks for several machines alike, named `name-1` to `name-<count>`: all of them or, at the first refusal (a name in use, the quota, capacity), none. Answers at once with each machine in CREATING and its job.',
  })
  async createMachines(
    @Arg('input', () => CreateMachinesInput) input: CreateMachinesInput,
    @Ctx() ctx: Context,
  ): Promise<CreateMachinesPayload> {
    const actor = requireActor(ctx);
    const created = await ctx.engine.machines.createMany(actor, toCreateInput(input), input.count);
    return { created: created.map((c) => toMachinePayload(actor, c)) };
  }

  @Mutation(() => MachineNode, {
    description:
      "Replaces a machine's labels (Levante's own: the provider does not see them). Members, owners and admins of its project.",
  })
  async setMachineLabels(
    @Arg('input', () => SetMachineLabelsInput) input: SetMachineLabelsInput,
    @Ctx() ctx: Context,
  ): Promise<MachineNode> {
    const actor = requireActor(ctx);
    const machine = await ctx.engine.machines.setLabels(
      actor,
      fromGlobalId('Machine', input.machineId, 'machineId'),
      input.labels as Labels,
    );
    return toMachineNode(await ctx.engine.machineQueries.byId(actor, machine.id));
  }

  @Mutation(() => MachineNode, {
    description:
      "Renames a machine in Levante (the provider keeps its own name for it). A name the project's machines use is refused (CONFLICT).",
  })
  async renameMachine(
    @Arg('input', () => RenameMachineInput) input: RenameMachineInput,
    @Ctx() ctx: Context,
  ): Promise<MachineNode> {
    const actor = requireActor(ctx);
    const machine = await ctx.engine.machines.rename(
      actor,
      fromGlobalId('Machine', input.machineId, 'machineId'),
      input.name,
    );
    return toMachineNode(await ctx.engine.machineQueries.byId(actor, machine.id));
  }

  @Mutation(() => MachinePayload, {
    description: 'Starts, stops, restarts, pauses, unpauses, suspends, resumes or deletes a machine.',
  })
  async machineAction(
    @Arg('input', () => MachineActionInput) input: MachineActionInput,
    @Ctx() ctx: Context,
  ): Promise<MachinePayload> {
    const actor = requireActor(ctx);
    const { machine, job } = await ctx.engine.machines.act(
      actor,
      fromGlobalId('Machine', input.machineId, 'machineId'),
      input.action as MachineAction,
    );
    return {
      machine: toMachineNode(await ctx.engine.machineQueries.byId(actor, machine.id)),
      job: toAskedJobNode(job, machine.name, actor),
    };
  }

  @Mutation(() => MachineActionsPayload, {
    description:
      'The same action on several machines (at most 100), each as `machineAction` would do it alone: those whose state, your role or their provider forbids it are refused with the reason, and the others go ahead.',
  })
  async machineActions(
    @Arg('input', () => MachineActionsInput) input: MachineActionsInput,
    @Ctx() ctx: Context,
  ): Promise<MachineActionsPayload> {
    const actor = requireActor(ctx);
    const { started, refused } = await ctx.engine.machines.actOnMany(
      actor,
      input.machineIds.map((id) => fromGlobalId('Machine', id, 'machineIds')),
      input.action as MachineAction,
    );
    return {
      started: await Promise.all(
        started.map(async ({ machine, job }) => ({
          machine: toMachineNode(await ctx.engine.machineQueries.byId(actor, machine.id)),
          job: toAskedJobNode(job, machine.name, actor),
        })),
      ),
      refused: refused.map(({ machineId, error }) => ({
        machineId: toGlobalId('Machine', machineId),
        code: error.code,
        message: error.message,
      })),
    };
  }

  @Mutation(() => MachinePayload, {
    description:
      'Moves a STARTED machine to another host of its location while it runs (live migration). Platform admins only, for providers whose capabilities include `migrate`. Answers at once with the machine, still STARTED on its host, and the job that moves it.',
  })
  async migrateMachine(
    @Arg('input', () => MigrateMachineInput) input: MigrateMachineInput,
    @Ctx() ctx: Context,
  ): Promise<MachinePayload> {
    const actor = requireActor(ctx);
    const { machine, job } = await ctx.engine.migrations.migrate(
      actor,
      fromGlobalId('Machine', input.machineId, 'machineId'),
      fromGlobalId('Host', input.hostId, 'hostId'),
    );
    return {
      machine: toMachineNode(await ctx.engine.machineQueries.byId(actor, machine.id)),
      job: toAskedJobNode(job, machine.name, actor),
    };
  }

  @Mutation(() => PlacementGroupNode)
  async createPlacementGroup(
    @Arg('input', () => CreatePlacementGroupInput) input: CreatePlacementGroupInput,
    @Ctx() ctx: Context,
  ): Promise<PlacementGroupNode> {
    const group = await ctx.engine.placementGroups.create(
      requireActor(ctx),
      fromGlobalId('Project', input.projectId, 'projectId'),
      { name: input.name, policy: input.policy },
    );
    return toPlacementGroupNode({ ...group, members: 0 });
  }

  @Mutation(() => DeletePlacementGroupPayload, {
    description:
      'Deletes a placement group. Refused (CONFLICT) while machines that are not DELETED belong to it.',
  })
  async deletePlacementGroup(
    @Arg('input', () => DeletePlacementGroupInput) input: DeletePlacementGroupInput,
    @Ctx() ctx: Context,
  ): Promise<DeletePlacementGroupPayload> {
    const group = await ctx.engine.placementGroups.delete(
      requireActor(ctx),
      fromGlobalId('PlacementGroup', input.placementGroupId, 'placementGroupId'),
    );
    return { deletedPlacementGroupId: toGlobalId('PlacementGroup', group.id) };
  }

  @Subscription(() => JobNode, {
    name: 'jobUpdated',
    description: 'A job as it progresses, until it has finished.',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const actor = requireActor(ctx);
      const jobId = fromGlobalId('Job', (args as { id: string }).id);
      const job = await ctx.engine.jobQueries.byId(actor, jobId);
      // Every type: a job's own events (a cancellation) tell of it as well as its machine's do.
      const events = await ctx.engine.eventSubscriptions.open(actor, { projectId: job.projectId });
      return jobUpdates(ctx, actor, jobId, events);
    },
  })
  jobUpdated(@Root() job: JobView, @Arg('id', () => ID) _id: string): JobNode {
    return toJobNode(job);
  }

  @Subscription(() => MachineNode, {
    name: 'machineChanged',
    description: 'Each machine you may see, every time it changes (state, host, addresses).',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const actor = requireActor(ctx);
      const projectId = optionalId('Project', (args as { projectId?: string }).projectId, 'projectId');
      const events = await ctx.engine.eventSubscriptions.open(actor, {
        projectId,
        types: MACHINE_EVENT_TYPES,
      });
      return mapStream(events, async (event) => {
        try {
          return await ctx.engine.machineQueries.byId(actor, event.subjectId);
        } catch (error) {
          if (error instanceof LevanteError && error.code === 'NOT_FOUND') return null;
          throw error;
        }
      });
    },
  })
  machineChanged(
    @Root() item: Parameters<typeof toMachineNode>[0],
    @Arg('projectId', () => ID, { nullable: true }) _projectId: string | null,
  ): MachineNode {
    return toMachineNode(item);
  }
}
