import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedSiteOffer, embeddedSiteOffer } from '../support/embedded-site-offer.ts';
import { dataOf, errorCode, type GraphqlResponse, gql } from '../support/graphql-client.ts';
import { adminToken, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';

const TEMPLATE_FIELDS =
  'id name description accountName provider { kind } location { ref } image { id ref } configuration { id vcpus } placementGroupName labels userData problem';
const CREATE_TEMPLATE = `mutation T($input: CreateMachineTemplateInput!) { createMachineTemplate(input: $input) { ${TEMPLATE_FIELDS} } }`;
const FROM_TEMPLATE =
  'mutation F($input: CreateMachinesFromTemplateInput!) { createMachinesFromTemplate(input: $input) { created { machine { id name state labels } job { kind state } } } }';

interface Created {
  createMachinesFromTemplate: {
    created: {
      machine: { id: string; name: string; state: string; labels: Record<string, string> };
      job: { kind: string; state: string };
    }[];
  };
}

describe.each(TEST_DATABASE_KINDS)('machine templates through the API, on %s', (kind) => {
  let levante: LevanteUnderTest;
  let token: string;
  let viewer: string;
  let offer: EmbeddedSiteOffer;
  const call = <T>(query: string, variables: Record<string, unknown> = {}, as = token) =>
    gql<T>(levante.url, query, variables, { token: as });
  const templateInput = (name: string) => {
    const { projectId: _project, ...parts } = offer;
    return { ...parts, name };
  };
  const templateNames = async (as = token) =>
    dataOf(
      await call<{ machineTemplates: { name: string }[] }>(
        'query L($p: ID!) { machineTemplates(projectId: $p) { name } }',
        { p: offer.projectId },
        as,
      ),
    ).machineTemplates.map((t) => t.name);

  beforeAll(async () => {
    levante = await levanteUnderTest(kind, { seedSite: true });
    token = await adminToken(levante);
    offer = await embeddedSiteOffer(call, 'paris');
    dataOf(
      await call(
        'mutation { createUser(input: { username: "tess", password: "a long enough password", mustChangePassword: false }) { user { id } } }',
      ),
    );
    dataOf(
      await call(
        'mutation M($p: ID!) { addMember(input: { projectId: $p, username: "tess", role: VIEWER }) { membership { role } } }',
        { p: offer.projectId },
      ),
    );
    viewer = dataOf(
      await gql<{ login: { token: string } }>(
        levante.url,
        'mutation { login(input: { username: "tess", password: "a long enough password" }) { token } }',
      ),
    ).login.token;
  }, 60_000);
  afterAll(() => levante?.destroy());

  it('saves a template and creates running machines from it', async () => {
    const { createMachineTemplate: saved } = dataOf(
      await call<{ createMachineTemplate: Record<string, unknown> & { id: string } }>(CREATE_TEMPLATE, {
        input: {
          projectId: offer.projectId,
          ...templateInput('api-web'),
          description: 'Web servers',
          labels: { tier: 'web' },
          userData: '#cloud-config\n',
        },
      }),
    );
    expect(saved).toMatchObject({
      name: 'api-web',
      description: 'Web servers',
      provider: { kind: 'local' },
      location: { ref: 'paris' },
      image: { id: offer.imageId, ref: 'debian-12' },
      configuration: { id: offer.configurationId },
      placementGroupName: null,
      labels: { tier: 'web' },
      userData: '#cloud-config\n',
      problem: null,
    });
    expect(await templateNames(viewer)).toContain('api-web');
    const { machineTemplate: asViewer } = dataOf(
      await call<{ machineTemplate: { hasUserData: boolean; userData: string | null } }>(
        'query T($id: ID!) { machineTemplate(id: $id) { hasUserData userData } }',
        { id: saved.id },
        viewer,
      ),
    );
    expect(asViewer).toEqual({ hasUserData: true, userData: null });

    const { created } = dataOf(
      await call<Created>(FROM_TEMPLATE, {
        input: { templateId: saved.id, name: 'api-web', count: 2, labels: { env: 'prod' } },
      }),
    ).createMachinesFromTemplate;
    expect(created.map((c) => [c.machine.name, c.machine.state, c.machine.labels, c.job.kind])).toEqual([
      ['api-web-1', 'CREATING', { tier: 'web', env: 'prod' }, 'machine.create'],
      ['api-web-2', 'CREATING', { tier: 'web', env: 'prod' }, 'machine.create'],
    ]);
    for (const { machine } of created) {
      for (const deadline = Date.now() + 15_000; ; ) {
        const { machine: now } = dataOf(
          await call<{ machine: { state: string } }>('query M($id: ID!) { machine(id: $id) { state } }', {
            id: machine.id,
          }),
        );
        if (now.state === 'STARTED') break;
        if (Date.now() > deadline) throw new Error(`${machine.name} is ${now.state}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }, 30_000);

  it('refuses bad input, others and viewers with typed errors, and changes nothing', async () => {
    const { createMachineTemplate: saved } = dataOf(
      await call<{ createMachineTemplate: { id: string } }>(CREATE_TEMPLATE, {
        input: { projectId: offer.projectId, ...templateInput('api-kept') },
      }),
    );
    const before = await templateNames();
    const expectRefused = (response: GraphqlResponse<unknown>, code: string, field?: string) => {
      expect(errorCode(response)).toBe(code);
      if (field) expect(response.errors?.[0]?.extensions?.field).toBe(field);
    };
    expectRefused(
      await call(CREATE_TEMPLATE, { input: { projectId: offer.projectId, ...templateInput('API-KEPT') } }),
      'CONFLICT',
      'name',
    );
    expectRefused(
      await call(CREATE_TEMPLATE, {
        input: { projectId: offer.projectId, ...templateInput('bad-image'), imageId: 'not-an-id' },
      }),
      'BAD_USER_INPUT',
      'imageId',
    );
    expectRefused(
      await call(
        CREATE_TEMPLATE,
        { input: { projectId: offer.projectId, ...templateInput('by-viewer') } },
        viewer,
      ),
      'FORBIDDEN',
    );
    expectRefused(
      await call(FROM_TEMPLATE, { input: { templateId: saved.id, name: 'by-viewer' } }, viewer),
      'FORBIDDEN',
    );
    expectRefused(
      await call(
        'mutation D($input: DeleteMachineTemplateInput!) { deleteMachineTemplate(input: $input) { deletedMachineTemplateId } }',
        { input: { templateId: saved.id } },
        viewer,
      ),
      'FORBIDDEN',
    );
    expectRefused(
      await call(FROM_TEMPLATE, { input: { templateId: saved.id, name: 'too-many', count: 51 } }),
      'BAD_USER_INPUT',
      'count',
    );
    expectRefused(
      await call(FROM_TEMPLATE, { input: { templateId: saved.id, name: 'Not a name!' } }),
      'BAD_USER_INPUT',
      'name',
    );
    expectRefused(
      await call('query { machineTemplates(projectId: "x") { id } }', {}, viewer),
      'BAD_USER_INPUT',
    );
    expectRefused(
      await gql(levante.url, 'query Q($p: ID!) { machineTemplates(projectId: $p) { id } }', {
        p: offer.projectId,
      }),
      'UNAUTHENTICATED',
    );
    expect(await templateNames()).toEqual(before);
    const { machines } = dataOf(
      await call<{ machines: { totalCount: number } }>(
        'query M($p: ID!) { machines(filter: { projectId: $p, name: "by-viewer" }) { totalCount } }',
        { p: offer.projectId },
      ),
    );
    expect(machines.totalCount).toBe(0);
  });

  it('replaces a template, then deletes it', async () => {
    const { createMachineTemplate: saved } = dataOf(
      await call<{ createMachineTemplate: { id: string } }>(CREATE_TEMPLATE, {
        input: { projectId: offer.projectId, ...templateInput('api-edit'), labels: { a: '1' } },
      }),
    );
    const { updateMachineTemplate: updated } = dataOf(
      await call<{
        updateMachineTemplate: { name: string; labels: Record<string, string>; description: string | null };
      }>(
        `mutation U($input: UpdateMachineTemplateInput!) { updateMachineTemplate(input: $input) { ${TEMPLATE_FIELDS} } }`,
        { input: { templateId: saved.id, ...templateInput('api-edited'), description: 'now described' } },
      ),
    );
    expect(updated).toMatchObject({ name: 'api-edited', labels: {}, description: 'now described' });
    const { deleteMachineTemplate } = dataOf(
      await call<{ deleteMachineTemplate: { deletedMachineTemplateId: string } }>(
        'mutation D($input: DeleteMachineTemplateInput!) { deleteMachineTemplate(input: $input) { deletedMachineTemplateId } }',
        { input: { templateId: saved.id } },
      ),
    );
    expect(deleteMachineTemplate.deletedMachineTemplateId).toBe(saved.id);
    expect(
      errorCode(await call('query T($id: ID!) { machineTemplate(id: $id) { id } }', { id: saved.id })),
    ).toBe('NOT_FOUND');
    expect(await templateNames()).not.toContain('api-edited');
  });
});
