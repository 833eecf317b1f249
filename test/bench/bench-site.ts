import type { BenchSubject } from './subject.ts';

export interface BenchSite {
  readonly projectId: string;
  readonly accountId: string;
  readonly locationId: string;
  readonly imageId: string;
  readonly configurationId: string;
}

/** Through the API: a local provider whose simulator answers at once, big hosts, a project and its account. */
export async function createBenchSite(
  subject: BenchSubject,
  name: string,
  hostCount: number,
): Promise<BenchSite> {
  const as = subject.apiToken;
  const { registerProvider } = await subject.http.request<{ registerProvider: { id: string } }>(
    'mutation ($input: RegisterProviderInput!) { registerProvider(input: $input) { id } }',
    {
      input: {
        kind: 'local',
        name,
        settings: { token: 'bench', bootDelayMs: 0, stopDelayMs: 0, actionDelayMs: 0, jitter: 0 },
      },
    },
    as,
  );
  for (let i = 1; i <= hostCount; i++) {
    await subject.http.request(
      'mutation ($input: RegisterHostInput!) { registerHost(input: $input) { id } }',
      {
        input: {
          providerId: registerProvider.id,
          location: 'paris',
          name: `${name}-${i}`,
          hypervisor: 'KVM',
          vcpus: 512,
          memoryMiB: 4 * 1024 * 1024,
          diskGiB: 100_000,
        },
      },
      as,
    );
  }
  const { createProject } = await subject.http.request<{ createProject: { project: { id: string } } }>(
    'mutation ($name: String!) { createProject(input: { name: $name }) { project { id } } }',
    { name },
    as,
  );
  const projectId = createProject.project.id;
  const { addProviderAccount } = await subject.http.request<{
    addProviderAccount: { id: string; provider: { locations: { id: string; ref: string }[] } };
  }>(
    'mutation ($input: AddProviderAccountInput!) { addProviderAccount(input: $input) { id provider { locations { id ref } } } }',
    { input: { projectId, providerId: registerProvider.id, name: 'bench', credentials: { token: 'bench' } } },
    as,
  );
  const accountId = addProviderAccount.id;
  const locationId = addProviderAccount.provider.locations.find((l) => l.ref === 'paris')!.id;
  const catalog = await subject.http.request<{
    images: { id: string; ref: string }[];
    configurations: { id: string; ref: string }[];
  }>(
    'query ($a: ID!, $l: ID!) { images(accountId: $a, locationId: $l) { id ref } configurations(accountId: $a, locationId: $l) { id ref } }',
    { a: accountId, l: locationId },
    as,
  );
  return {
    projectId,
    accountId,
    locationId,
    imageId: catalog.images.find((i) => i.ref === 'debian-12')!.id,
    configurationId: catalog.configurations.find((c) => c.ref === 'small')!.id,
  };
}
