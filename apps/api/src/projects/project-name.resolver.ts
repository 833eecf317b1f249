import { fromGlobalId } from '@levante/domain';
import { type ClassType, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { HostMachineNode, PlacementChangeNode } from '../compute/host.types.ts';
import { JobNode } from '../compute/machine.types.ts';
import { EventNode } from '../events/event.type.ts';
import type { Context } from '../graphql/context.ts';

/**
 * `projectName` beside a node that names its project by id, so that a list of
 * every project (a platform admin's activity, jobs, placement map) needs no
 * list of projects on the side; live events and changes get it too.
 */
function projectNameResolver<T extends { projectId: string | null }>(type: ClassType<T>) {
  @Resolver(() => type)
  class ProjectNameResolver {
    @FieldResolver(() => String, {
      nullable: true,
      description:
        'The name of its project: what lists of several projects show beside it (null: none, or a deleted project).',
    })
    projectName(@Root() node: T, @Ctx() ctx: Context): Promise<string | null> {
      return node.projectId
        ? ctx.engine.projectQueries.nameOf(fromGlobalId('Project', node.projectId))
        : Promise.resolve(null);
    }
  }
  return ProjectNameResolver;
}

export const PROJECT_NAME_RESOLVERS = [EventNode, JobNode, HostMachineNode, PlacementChangeNode].map(
  (type: ClassType<{ projectId: string | null }>) => projectNameResolver(type),
);
