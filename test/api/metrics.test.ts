import { TEST_DATABASE_KINDS } from '@levante/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedSiteOffer } from '../support/embedded-site-offer.ts';
import { dataOf, gql } from '../support/graphql-client.ts';
import { adminToken, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';

/** The value of one sample of the exposition text, by its exact name and labels. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(TEST_DATABASE_KINDS)('Prometheus metrics on %s', (kind) => {
  let levante: LevanteUnderTest;
  let token: string;
  let provider: string;
  const call = <T>(query: string, variables: Record<string, unknown> = {}, as = token) =>
    gql<T>(levante.url, query, variables, { token: as });
  const scrape = (as?: string) =>
    fetch(`${levante.url}/metrics`, as ? { headers: { authorization: `Bearer ${as}` } } : {});

  beforeAll(async () => {
    levante = await levanteUnderTest(kind, { seedSite: true });
    token = await adminToken(levante);
    provider = dataOf(await call<{ providers: { name: string }[] }>('{ providers { name } }')).providers[0]!
      .name;
  }, 60_000);
  afterAll(() => levante?.destroy());

  it('are refused without a token, with a bad one, and to people who are not platform admins', async () => {
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('platform admin API token');
    expect((await scrape('not-a-token')).status).toBe(401);

    dataOf(
      await call(
        'mutation { createUser(input: { username: "bob", password: "a long enough password", mustChangePassword: false }) { user { id } } }',
      ),
    );
    const bob = dataOf(
      await gql<{ login: { token: string } }>(
        levante.url,
        'mutation { login(input: { username: "bob", password: "a long enough password" }) { token } }',
        {},
      ),
    ).login.token;
    const refused = await scrape(bob);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Only platform admins');
  });

  it("count operations by field and outcome, and show the platform's machines and host capacity", async () => {
    const offer = await embeddedSiteOffer(call, 'lyon');
    const created = dataOf(
      await call<{ createMachine: { machine: { id: string } } }>(
        'mutation C($input: CreateMachineInput!) { createMachine(input: $input) { machine { id } } }',
        { input: { ...offer, name: 'measured' } },
      ),
    ).createMachine.machine.id;
    for (let state = ''; state !== 'STARTED'; ) {
      await new Promise((r) => setTimeout(r, 50));
      state = dataOf(
        await call<{ machine: { state: string } }>('query M($id: ID!) { machine(id: $id) { state } }', {
          id: created,
        }),
      ).machine.state;
    }
    await call('query { machine(id: "nonsense") { id } }');

    const response = await scrape(token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(
      sample(text, 'levante_graphql_operations_total{type="mutation",field="createMachine",outcome="ok"}'),
    ).toBe(1);
    expect(
      sample(text, 'levante_graphql_operations_total{type="query",field="machine",outcome="BAD_USER_INPUT"}'),
    ).toBe(1);
    expect(
      sample(text, 'levante_graphql_operation_duration_seconds_count{type="mutation",field="createMachine"}'),
    ).toBe(1);
    // The two machines the embedded site already ran are not Levante's: only the new one counts.
    expect(sample(text, `levante_machines{provider="${provider}",state="STARTED"}`)).toBe(1);
    const where = `provider="${provider}",location="lyon"`;
    expect(sample(text, `levante_hosts{${where},status="all"}`)).toBe(4);
    expect(sample(text, `levante_hosts{${where},status="in_service"}`)).toBe(4);
    expect(sample(text, `levante_host_capacity{${where},resource="vcpus",kind="allocated"}`)).toBeGreaterThan(
      0,
    );
    expect(sample(text, `levante_host_capacity{${where},resource="vcpus",kind="capacity"}`)).toBeGreaterThan(
      sample(text, `levante_host_capacity{${where},resource="vcpus",kind="allocated"}`)!,
    );
    expect(sample(text, 'levante_jobs_ended_recently{kind="machine.create",state="succeeded"}')).toBe(1);
    expect(sample(text, 'levante_process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('show a job waiting for a retry, and how it ended once cancelled', async () => {
    const [measured] = dataOf(
      await call<{ machines: { edges: { node: { id: string; host: { name: string } } }[] } }>(
        '{ machines(filter: { name: "measured" }) { edges { node { id host { name } } } } }',
      ),
    ).machines.edges.map((e) => e.node);
    const { providers } = dataOf(await call<{ providers: { id: string }[] }>('{ providers { id } }'));
    // Its host goes down: the stop fails, and waits to be tried again.
    dataOf(
      await call('mutation U($input: UpdateProviderInput!) { updateProvider(input: $input) { id } }', {
        input: { providerId: providers[0]!.id, settings: { faults: { downHosts: [measured!.host.name] } } },
      }),
    );
    const stop = dataOf(
      await call<{ machineAction: { job: { id: string } } }>(
        'mutation S($id: ID!) { machineAction(input: { machineId: $id, action: STOP }) { job { id } } }',
        { id: measured!.id },
      ),
    ).machineAction.job.id;
    const retrying = 'levante_jobs{kind="machine.action",state="retrying"}';
    let text = '';
    for (const deadline = Date.now() + 15_000; sample(text, retrying) !== 1; ) {
      if (Date.now() > deadline) throw new Error(`no job waits for a retry:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
      text = await (await scrape(token)).text();
    }

    dataOf(await call('mutation X($id: ID!) { cancelJob(id: $id) { id } }', { id: stop }));
    const cancelled = 'levante_jobs_ended_recently{kind="machine.action",state="cancelled"}';
    for (const deadline = Date.now() + 15_000; sample(text, cancelled) !== 1; ) {
      if (Date.now() > deadline) throw new Error(`the cancelled job is not shown:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
      text = await (await scrape(token)).text();
    }
    expect(sample(text, retrying)).toBeUndefined();
  });
});
