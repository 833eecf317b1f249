import { fromGlobalId, toGlobalId } from '@levante/domain';
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { type Context, requireActor } from '../graphql/context.ts';
import { AddMemberInput, ChangeMemberRoleInput, RemoveMemberInput } from './project.inputs.ts';
import { MembershipPayload, RemoveMemberPayload } from './project.payloads.ts';
import { toMembershipNode, toProjectNode } from './project.type.ts';
import { fromRoleEnum } from './project-role.enum.ts';

@Resolver()
export class MembershipResolver {
  @Mutation(() => MembershipPayload, { description: 'Adds a user to a project with a role.' })
  async addMember(
    @Arg('input', () => AddMemberInput) input: AddMemberInput,
    @Ctx() ctx: Context,
  ): Promise<MembershipPayload> {
    const actor = requireActor(ctx);
    const projectId = fromGlobalId('Project', input.projectId, 'projectId');
    const membership = await ctx.engine.memberships.add(actor, projectId, {
      username: input.username,
      role: fromRoleEnum(input.role),
    });
    return this.#payload(ctx, projectId, membership.userId);
  }

  @Mutation(() => MembershipPayload, {
    description: 'Changes the role of a member; a project keeps one owner at least.',
  })
  async changeMemberRole(
    @Arg('input', () => ChangeMemberRoleInput) input: ChangeMemberRoleInput,
    @Ctx() ctx: Context,
  ): Promise<MembershipPayload> {
    const projectId = fromGlobalId('Project', input.projectId, 'projectId');
    const userId = fromGlobalId('User', input.userId, 'userId');
    await ctx.engine.memberships.changeRole(requireActor(ctx), projectId, userId, fromRoleEnum(input.role));
    return this.#payload(ctx, projectId, userId);
  }

  @Mutation(() => RemoveMemberPayload, {
    description: 'Removes a member, or leaves a project with your own ID.',
  })
  async removeMember(
    @Arg('input', () => RemoveMemberInput) input: RemoveMemberInput,
    @Ctx() ctx: Context,
  ): Promise<RemoveMemberPayload> {
    const projectId = fromGlobalId('Project', input.projectId, 'projectId');
    const userId = fromGlobalId('User', input.userId, 'userId');
    await ctx.engine.memberships.remove(requireActor(ctx), projectId, userId);
    return { projectId: toGlobalId('Project', projectId), removedUserId: toGlobalId('User', userId) };
  }

  async #payload(ctx: Context, projectId: string, userId: string): Promise<MembershipPayload> {
    const actor = requireActor(ctx);
    const [project, member] = await Promise.all([
      ctx.engine.projectQueries.byId(actor, projectId),
      ctx.engine.membershipQueries.get(actor, projectId, userId),
    ]);
    return { project: toProjectNode(project), membership: toMembershipNode(member) };
  }
}
