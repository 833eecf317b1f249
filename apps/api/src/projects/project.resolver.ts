import { fromGlobalId, toGlobalId } from '@levante/domain';
import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { type ConnectionShape, toConnection } from '../graphql/connection.ts';
import { ConnectionArgs } from '../graphql/connection-args.ts';
import { type Context, requireActor } from '../graphql/context.ts';
import { CreateProjectInput, DeleteProjectInput, UpdateProjectInput } from './project.inputs.ts';
import { DeleteProjectPayload, ProjectPayload } from './project.payloads.ts';
import {
  MembershipConnection,
  type MembershipNode,
  ProjectConnection,
  ProjectNode,
  toMembershipNode,
  toProjectNode,
} from './project.type.ts';

@Resolver(() => ProjectNode)
export class ProjectResolver {
  @Query(() => ProjectConnection, {
    description: 'The projects you belong to (every project for platform admins).',
  })
  async projects(
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<ProjectNode>> {
    return toConnection(await ctx.engine.projectQueries.list(requireActor(ctx), args), toProjectNode);
  }

  @Query(() => ProjectNode)
  async project(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ProjectNode> {
    return toProjectNode(
      await ctx.engine.projectQueries.byId(requireActor(ctx), fromGlobalId('Project', id)),
    );
  }

  @FieldResolver(() => MembershipConnection, { description: 'Members with their roles, by username.' })
  async members(
    @Root() project: ProjectNode,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<MembershipNode>> {
    const page = await ctx.engine.membershipQueries.list(requireActor(ctx), project.localId, args);
    return toConnection(page, toMembershipNode);
  }

  @Mutation(() => ProjectPayload, { description: 'Creates a project; you become its owner.' })
  async createProject(
    @Arg('input', () => CreateProjectInput) input: CreateProjectInput,
    @Ctx() ctx: Context,
  ): Promise<ProjectPayload> {
    const project = await ctx.engine.projects.create(requireActor(ctx), input);
    return { project: toProjectNode({ project, role: 'owner' }) };
  }

  @Mutation(() => ProjectPayload)
  async updateProject(
    @Arg('input', () => UpdateProjectInput) input: UpdateProjectInput,
    @Ctx() ctx: Context,
  ): Promise<ProjectPayload> {
    const actor = requireActor(ctx);
    const id = fromGlobalId('Project', input.id);
    await ctx.engine.projects.update(actor, id, { name: input.name, description: input.description });
    return { project: toProjectNode(await ctx.engine.projectQueries.byId(actor, id)) };
  }

  @Mutation(() => DeleteProjectPayload, {
    description:
      'Deletes a project. Owners only; not a personal project, nor one with machines or that brought provider accounts (CONFLICT).',
  })
  async deleteProject(
    @Arg('input', () => DeleteProjectInput) input: DeleteProjectInput,
    @Ctx() ctx: Context,
  ): Promise<DeleteProjectPayload> {
    const project = await ctx.engine.projects.delete(requireActor(ctx), fromGlobalId('Project', input.id));
    return { deletedProjectId: toGlobalId('Project', project.id) };
  }
}
