import { dataOf, type GraphqlResponse } from './graphql-client.ts';

type Call = <T>(query: string, variables?: Record<string, unknown>) => Promise<GraphqlResponse<T>>;

/** What `createMachine` needs, but the name, for a small Debian machine of the embedded site in the admin's personal project. */
export interface EmbeddedSiteOffer {
  readonly projectId: string;
  readonly accountId: string;
  readonly locationId: string;
  readonly imageId: string;
  readonly configurationId: string;
}

export async function embeddedSiteOffer(call: Call, location: 'paris' | 'lyon'): Promise<EmbeddedSiteOffer> {
  const me = dataOf(
    await call<{ projects: { edges: { node: { id: string; personal: boolean } }[] } }>(
      '{ projects { edges { node { id personal } } } }',
    ),
  );
  const projectId = me.projects.edges.find((e) => e.node.personal)!.node.id;
  const accounts = dataOf(
    await call<{
      providerAccounts: { id: string; provider: { locations: { id: string; ref: string }[] } }[];
    }>('query A($p: ID!) { providerAccounts(projectId: $p) { id provider { locations { id ref } } } }', {
      p: projectId,
    }),
  );
  const account = accounts.providerAccounts[0]!;
  const locationId = account.provider.locations.find((l) => l.ref === location)!.id;
  const catalog = dataOf(
    await call<{ images: { id: string; ref: string }[]; configurations: { id: string; ref: string }[] }>(
      'query C($a: ID!, $l: ID!) { images(accountId: $a, locationId: $l) { id ref } configurations(accountId: $a, locationId: $l) { id ref } }',
      { a: account.id, l: locationId },
    ),
  );
  return {
    projectId,
    accountId: account.id,
    locationId,
    imageId: catalog.images.find((i) => i.ref === 'debian-12')!.id,
    configurationId: catalog.configurations.find((c) => c.ref === 'medium')!.id,
  };
}
