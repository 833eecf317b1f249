import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { AdoptionResolver } from '../compute/adoption.resolver.ts';
import { HostResolver, ProjectQuotaResolver } from '../compute/host.resolver.ts';
import { MachineResolver } from '../compute/machine.resolver.ts';
import { MachineTemplateResolver } from '../compute/machine-template.resolver.ts';
import { EventResolver } from '../events/event.resolver.ts';
import { ApiTokenResolver } from '../identity/api-token.resolver.ts';
import { AuthResolver } from '../identity/auth.resolver.ts';
import { UserResolver } from '../identity/user.resolver.ts';
import { MembershipResolver } from '../projects/membership.resolver.ts';
import { ProjectResolver } from '../projects/project.resolver.ts';
import { PROJECT_NAME_RESOLVERS } from '../projects/project-name.resolver.ts';
import { AccountResolver } from '../providers/account.resolver.ts';
import { ProviderResolver } from '../providers/provider.resolver.ts';

const unusedPubSub: PubSub = {
  publish: () => {
    throw new Error('Levante publishes through the engine event bus, not type-graphql.');
  },
  subscribe: () => {
    throw new Error('Levante subscriptions subscribe through the engine.');
  },
};

/** The whole GraphQL schema, sorted so that its printed form is stable. */
export async function buildLevanteSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      AuthResolver,
      UserResolver,
      ApiTokenResolver,
      ProjectResolver,
      MembershipResolver,
      EventResolver,
      ProviderResolver,
      AccountResolver,
      MachineResolver,
      MachineTemplateResolver,
      AdoptionResolver,
      HostResolver,
      ProjectQuotaResolver,
      ...PROJECT_NAME_RESOLVERS,
    ],
    // Input is validated by the engine (zod), the one place every caller goes through.
    validate: false,
    // Every subscription brings its own `subscribe` (engine streams that check access);
    // type-graphql still insists on a PubSub, so it gets one that is never used.
    pubSub: unusedPubSub,
  });
  return lexicographicSortSchema(schema);
}
