import { fromGlobalId, toGlobalId } from '@levante/domain';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { type Context, requireActor } from '../graphql/context.ts';
import { ProjectNode } from '../projects/project.type.ts';
import {
  DeleteHostInput,
  EvacuateHostInput,
  HostMaintenanceInput,
  RegisterHostInput,
  SetQuotaInput,
  UpdateHostInput,
} from './compute.inputs.ts';
import {
  DeleteHostPayload,
  EvacuateHostPayload,
  HostNode,
  PlacementChangeNode,
  QuotaNode,
  toHostNode,
} from './host.types.ts';
import { toAskedJobNode, toMachineNode } from './machine.types.ts';
import { MACHINE_EVENT_TYPES, mapStream, toPlacementChange } from './placement-changes.ts';

@Resolver()
export class HostResolver {
  @Query(() => [HostNode], {
    description: 'The host-level placement: hosts with capacity, allocation and machines.',
  })
  async hosts(
    @Arg('providerId', () => ID, { nullable: true }) providerId: string | null,
    @Arg('locationId', () => ID, { nullable: true }) locationId: string | null,
    @Ctx() ctx: Context,
  ): Promise<HostNode[]> {
    const views = await ctx.engine.hostQueries.list(requireActor(ctx), {
      providerId: providerId ? fromGlobalId('Provider', providerId, 'providerId') : null,
      locationId: locationId ? fromGlobalId('Location', locationId, 'locationId') : null,
    });
    return views.map(toHostNode);
  }

  @Mutation(() => HostNode, { description: 'Registers a physical host. Platform admins only.' })
  async registerHost(
    @Arg('input', () => RegisterHostInput) input: RegisterHostInput,
    @Ctx() ctx: Context,
  ): Promise<HostNode> {
    const actor = requireActor(ctx);
    const { providerId, ...host } = input;
    const row = await ctx.engine.hosts.register(actor, {
      ...host,
      providerId: fromGlobalId('Provider', providerId, 'providerId'),
      cpuAllocationRatio: host.cpuAllocationRatio ?? undefined,
      ramAllocationRatio: host.ramAllocationRatio ?? undefined,
      diskAllocationRatio: host.diskAllocationRatio ?? undefined,
      labels: host.labels ?? undefined,
    });
    return this.#view(ctx, row.id);
  }

  @Mutation(() => HostNode, {
    description: 'Changes allocation ratios, labels or whether a host is enabled. Admins only.',
  })
  async updateHost(
    @Arg('input', () => UpdateHostInput) input: UpdateHostInput,
    @Ctx() ctx: Context,
  ): Promise<HostNode> {
    const { hostId, ...changes } = input;
    const row = await ctx.engine.hosts.update(
      requireActor(ctx),
      fromGlobalId('Host', hostId, 'hostId'),
      changes,
    );
    return this.#view(ctx, row.id);
  }

  @Mutation(() => HostNode, {
    description: 'Puts a host in maintenance (no new machines) or back in service. Admins only.',
  })
  async setHostMaintenance(
    @Arg('input', () => HostMaintenanceInput) input: HostMaintenanceInput,
    @Ctx() ctx: Context,
  ): Promise<HostNode> {
    const row = await ctx.engine.hosts.setMaintenance(
      requireActor(ctx),
      fromGlobalId('Host', input.hostId, 'hostId'),
      input.maintenance,
    );
    return this.#view(ctx, row.id);
  }

  @Mutation(() => EvacuateHostPayload, {
    description:
      'Moves every running machine off a host in maintenance, each live to the host the scheduler chooses (providers that can migrate). Machines that cannot move are left, with the reason. Platform admins only.',
  })
  async evacuateHost(
    @Arg('input', () => EvacuateHostInput) input: EvacuateHostInput,
    @Ctx() ctx: Context,
  ): Promise<EvacuateHostPayload> {
    const actor = requireActor(ctx);
    const { host, moving, left } = await ctx.engine.migrations.evacuate(
      actor,
      fromGlobalId('Host', input.hostId, 'hostId'),
    );
    const node = async (machineId: string) =>
      toMachineNode(await ctx.engine.machineQueries.byId(actor, machineId));
    return {
      host: await this.#view(ctx, host.id),
      moving: await Promise.all(
        moving.map(async ({ machine, job }) => ({
          machine: await node(machine.id),
          job: toAskedJobNode(job, machine.name, actor),
        })),
      ),
      left: await Promise.all(
        left.map(async ({ machine, reason }) => ({ machine: await node(machine.id), reason })),
      ),
    };
  }

  @Mutation(() => DeleteHostPayload, {
    description:
      'Decommissions a host. Refused (CONFLICT) while machines live on it or migrate to it. Admins only.',
  })
  async deleteHost(
    @Arg('input', () => DeleteHostInput) input: DeleteHostInput,
    @Ctx() ctx: Context,
  ): Promise<DeleteHostPayload> {
    const row = await ctx.engine.hosts.delete(
      requireActor(ctx),
      fromGlobalId('Host', input.hostId, 'hostId'),
    );
    return { deletedHostId: toGlobalId('Host', row.id) };
  }

  @Mutation(() => QuotaNode, {
    description: "Sets a project's quotas (null: no limit). Platform admins only.",
  })
  async setQuota(
    @Arg('input', () => SetQuotaInput) input: SetQuotaInput,
    @Ctx() ctx: Context,
  ): Promise<QuotaNode> {
    const { projectId, ...limits } = input;
    return ctx.engine.quotas.set(requireActor(ctx), fromGlobalId('Project', projectId, 'projectId'), {
      machines: limits.machines ?? null,
      vcpus: limits.vcpus ?? null,
      memoryMiB: limits.memoryMiB ?? null,
      storageGiB: limits.storageGiB ?? null,
    });
  }

  @Subscription(() => PlacementChangeNode, {
    name: 'placementChanged',
    description: 'Each machine placed on, moved between or removed from hosts, as it happens.',
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const raw = (args as { locationId?: string | null }).locationId;
      const locationId = raw ? fromGlobalId('Location', raw, 'locationId') : null;
      const events = await ctx.engine.eventSubscriptions.open(requireActor(ctx), {
        types: MACHINE_EVENT_TYPES,
      });
      return mapStream(events, (event) => toPlacementChange(event, locationId));
    },
  })
  placementChanged(
    @Root() change: PlacementChangeNode,
    @Arg('locationId', () => ID, { nullable: true }) _locationId: string | null,
  ): PlacementChangeNode {
    return change;
  }

  async #view(ctx: Context, hostId: string): Promise<HostNode> {
    const [view] = await ctx.engine.hostQueries.list(requireActor(ctx), { hostId });
    if (!view) throw new Error(`host ${toGlobalId('Host', hostId)} vanished`);
    return toHostNode(view);
  }
}

@Resolver(() => ProjectNode)
export class ProjectQuotaResolver {
  @FieldResolver(() => QuotaNode, { description: 'Limits and what the project uses of them.' })
  async quota(@Root() project: ProjectNode, @Ctx() ctx: Context): Promise<QuotaNode> {
    return ctx.engine.quotas.view(requireActor(ctx), project.localId);
  }
}
