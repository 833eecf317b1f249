import { fromGlobalId, type LevanteEvent, parseGlobalId } from '@levante/domain';
import { Arg, Args, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { type ConnectionShape, toConnection } from '../graphql/connection.ts';
import { ConnectionArgs } from '../graphql/connection-args.ts';
import { type Context, requireActor } from '../graphql/context.ts';
import { EventConnection, type EventNode, EventNode as EventNodeType, toEventNode } from './event.type.ts';

interface EventsArgs {
  projectId?: string | null;
  types?: string[] | null;
  subjectId?: string | null;
}

const projectIdOf = (args: EventsArgs) =>
  args.projectId ? fromGlobalId('Project', args.projectId, 'projectId') : null;
const subjectIdOf = (args: EventsArgs) =>
  args.subjectId ? parseGlobalId(args.subjectId, 'subjectId').localId : null;

@Resolver()
export class EventResolver {
  @Query(() => EventConnection, {
    description: 'The activity log, newest first: one project, or every project you may see.',
  })
  async events(
    @Arg('projectId', () => ID, { nullable: true }) projectId: string | null,
    @Arg('types', () => [String], { nullable: true }) types: string[] | null,
    @Arg('subjectId', () => ID, {
      nullable: true,
      description: 'Only events about this machine, user, host…',
    })
    subjectId: string | null,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<EventNode>> {
    const page = await ctx.engine.events.list(
      requireActor(ctx),
      { projectId: projectIdOf({ projectId }), types, subjectId: subjectIdOf({ subjectId }) },
      args,
    );
    return toConnection(page, toEventNode);
  }

  @Subscription(() => EventNodeType, {
    name: 'events',
    description:
      'Events as they happen: one project, or every project you may see. Ends when you lose access to the project.',
    subscribe: ({ args, context }) =>
      (context as Context).engine.eventSubscriptions.open(requireActor(context as Context), {
        projectId: projectIdOf(args as EventsArgs),
        types: (args as EventsArgs).types ?? null,
        subjectId: subjectIdOf(args as EventsArgs),
      }),
  })
  eventsSubscription(
    @Root() event: LevanteEvent,
    @Arg('projectId', () => ID, { nullable: true }) _projectId: string | null,
    @Arg('types', () => [String], { nullable: true }) _types: string[] | null,
    @Arg('subjectId', () => ID, { nullable: true }) _subjectId: string | null,
  ): EventNode {
    return toEventNode(event);
  }
}
