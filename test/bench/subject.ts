import type { DatabaseHandle } from '@levante/db';
import { ADMIN_PASSWORD, type LevanteUnderTest, levanteUnderTest } from '../support/levante-under-test.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.ts';
import { type GraphqlHttpClient, graphqlHttpClient } from './http-client.ts';
import type { BenchmarkRow, DatabaseKind } from './table.ts';

/** A running Levante that benchmarks measure, with credentials ready to use. */
export interface BenchSubject {
  readonly kind: DatabaseKind;
  readonly url: string;
  readonly http: GraphqlHttpClient;
  /** A session of the platform admin. */
  readonly sessionToken: string;
  /** An API token of the platform admin. */
  readonly apiToken: string;
  /** The server's own database handle, to seed data in bulk and to measure raw SQL beside the API. */
  readonly database: DatabaseHandle;
  /** Progress notes, on stderr: the table alone goes to stdout. */
  log(message: string): void;
}

/** A benchmark measures one subject and returns its rows of the table. */
export type Benchmark = (subject: BenchSubject) => Promise<BenchmarkRow[]>;

export const ADMIN_USERNAME = 'admin';

/**
 * `separateWorker` (PostgreSQL only): the server runs no jobs
 * (LEVANTE_WORKER=false) and a `levante worker` process runs them.
 */
export async function openBenchSubject(
  kind: DatabaseKind,
  options: { separateWorker?: boolean } = {},
): Promise<{ subject: BenchSubject; close: () => Promise<void> }> {
  const levante: LevanteUnderTest = await levanteUnderTest(
    kind,
    options.separateWorker ? { env: { LEVANTE_WORKER: 'false' } } : {},
  );
  const http = graphqlHttpClient(levante.url);
  let worker: WorkerProcess | null = null;
  try {
    if (options.separateWorker) worker = await startWorkerProcess(levante);
    const { login } = await http.request<{ login: { token: string } }>(
      'mutation ($input: LoginInput!) { login(input: $input) { token } }',
      { input: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD } },
    );
    const { createApiToken } = await http.request<{ createApiToken: { token: string } }>(
      'mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }',
      { input: { name: 'benchmarks' } },
      login.token,
    );
    const subject: BenchSubject = {
      kind,
      url: levante.url,
      http,
      sessionToken: login.token,
      apiToken: createApiToken.token,
      database: levante.running!.database,
      log: (message) => process.stderr.write(`[${kind}] ${message}\n`),
    };
    return {
      subject,
      close: async () => {
        http.close();
        await worker?.stop();
        await levante.destroy();
      },
    };
  } catch (error) {
    http.close();
    await worker?.stop();
    await levante.destroy();
    throw error;
  }
}
