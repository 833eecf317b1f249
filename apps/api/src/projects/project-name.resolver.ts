import { fromGlobalId } from '@levante/domain';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { HostMachineNode, PlacementChangeNode } from '../compute/host.types.ts';
import { JobNode } from '../compute/machine.types.ts';
import { EventNode } from '../events/event.type.ts';
import type { Context } from '../graphql/context.ts';

const DESCRIPTION =
  'The name of its project: what lists of several projects show beside it (null: none, or a deleted project).';

/**
 * The project's name beside a node that names its project by id, so that a
 * list of every project (a platform admin's activity, jobs, placement map)
 * needs no list of projects on the side; live events and changes get it too.
 */
function projectNameOf(ctx: Context, projectId: string | null): Promise<string | null> {
  return projectId
    ? ctx.engine.projectQueries.nameOf(fromGlobalId('Project', projectId))
    : Promise.resolve(null);
}

@Resolver(() => EventNode)
export class EventProjectNameResolver {
  @FieldResolver(() => String, { nullable: true, description: DESCRIPTION })
  projectName(@Root() event: EventNode, @Ctx() ctx: Context): Promise<string | null> {
    return projectNameOf(ctx, event.projectId);
  }
}

@Resolver(() => JobNode)
export class JobProjectNameResolver {
  @FieldResolver(() => String, { nullable: true, description: DESCRIPTION })
  projectName(@Root() job: JobNode, @Ctx() ctx: Context): Promise<string | null> {
    return projectNameOf(ctx, job.projectId);
  }
}

@Resolver(() => HostMachineNode)
export class HostMachineProjectNameResolver {
  @FieldResolver(() => String, { nullable: true, description: DESCRIPTION })
  projectName(@Root() machine: HostMachineNode, @Ctx() ctx: Context): Promise<string | null> {
    return projectNameOf(ctx, machine.projectId);
  }
}

@Resolver(() => PlacementChangeNode)
export class PlacementChangeProjectNameResolver {
  @FieldResolver(() => String, { nullable: true, description: DESCRIPTION })
  projectName(@Root() change: PlacementChangeNode, @Ctx() ctx: Context): Promise<string | null> {
    return projectNameOf(ctx, change.projectId);
  }
}
