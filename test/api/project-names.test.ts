import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedSiteOffer } from '../support/embedded-site-offer.ts';
import { dataOf, eventually, gql, subscribe, wsClient } from '../support/graphql-client.ts';
import { adminToken, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';

interface Named {
  projectId: string | null;
  projectName: string | null;
}

describe.each(TEST_DATABASE_KINDS)(
  "what lists of several projects show of each one's name, on %s",
  (kind) => {
    let levante: LevanteUnderTest;
    let token: string;
    const call = <T>(query: string, variables: Record<string, unknown> = {}) =>
      gql<T>(levante.url, query, variables, { token });
    const createProject = async (name: string) =>
      dataOf(
        await call<{ createProject: { project: { id: string } } }>(
          'mutation P($name: String!) { createProject(input: { name: $name }) { project { id } } }',
          { name },
        ),
      ).createProject.project.id;

    beforeAll(async () => {
      levante = await levanteUnderTest(kind, { seedSite: true });
      token = await adminToken(levante);
    }, 60_000);
    afterAll(() => levante?.destroy());

    it('names the project of each event, job and placed machine, live events too, and none once deleted', async () => {
      const offer = await embeddedSiteOffer(call, 'lyon');
      const { project } = dataOf(
        await call<{ project: { name: string } }>('query P($id: ID!) { project(id: $id) { name } }', {
          id: offer.projectId,
        }),
      );
      const ws = wsClient(levante.url, { token });
      const live = subscribe<{ events: Named & { type: string } }>(
        ws,
        'subscription { events { type projectId projectName } }',
      );
      try {
        await new Promise((r) => setTimeout(r, 200));
        const gone = await createProject('short-lived');
        const created = dataOf(
          await call<{ createMachine: { job: { id: string } } }>(
            'mutation C($input: CreateMachineInput!) { createMachine(input: $input) { job { id } } }',
            { input: { ...offer, name: 'named' } },
          ),
        ).createMachine.job.id;
        await eventually(
          () => live.received.some((e) => e.events.type === 'machine.created'),
          'the create, live',
          10_000,
        );
        expect(live.received.find((e) => e.events.type === 'machine.created')?.events).toEqual({
          type: 'machine.created',
          projectId: offer.projectId,
          projectName: project.name,
        });
        expect(live.received.find((e) => e.events.type === 'project.created')?.events.projectName).toBe(
          'short-lived',
        );

        const { job } = dataOf(
          await call<{ job: Named }>('query J($id: ID!) { job(id: $id) { projectId projectName } }', {
            id: created,
          }),
        );
        expect(job).toEqual({
          projectId: offer.projectId,
          projectName: project.name,
        });

        const { hosts } = dataOf(
          await call<{ hosts: { machines: (Named & { name: string })[] }[] }>(
            'query H($l: ID!) { hosts(locationId: $l) { machines { name projectId projectName } } }',
            { l: offer.locationId },
          ),
        );
        const placed = hosts.flatMap((h) => h.machines).find((m) => m.name === 'named');
        expect(placed?.projectName).toBe(project.name);

        dataOf(
          await call('mutation D($id: ID!) { deleteProject(input: { id: $id }) { deletedProjectId } }', {
            id: gone,
          }),
        );
        const { events } = dataOf(
          await call<{ events: { edges: { node: Named & { type: string } }[] } }>(
            '{ events(types: ["project.created"], first: 5) { edges { node { type projectId projectName } } } }',
          ),
        );
        const ofGone = events.edges.map((e) => e.node).find((e) => e.projectId === gone);
        expect(ofGone).toEqual({ type: 'project.created', projectId: gone, projectName: null });
        expect(live.errors).toEqual([]);
      } finally {
        live.unsubscribe();
        await ws.dispose();
      }
    });
  },
);
