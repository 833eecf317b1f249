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
    expect(text).toContain('# HELP levante_jobs ');
    expect(sample(text, 'levante_process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });
});
