import { ADMIN_PASSWORD } from '../support/levante-under-test.ts';
import { runLoad } from './measure.ts';
import { ADMIN_USERNAME, type Benchmark } from './subject.ts';
import type { BenchmarkRow } from './table.ts';

const LOGIN = 'mutation ($input: LoginInput!) { login(input: $input) { token } }';
const ME = '{ me { id username } }';
const DURATION_MS = 3000;

/**
 * Log in, then ask `me` with the new session: what a CLI or script does first.
 * Login verifies an argon2id hash on purpose, so this is bounded by that.
 */
export const loginRoundTrips: Benchmark = async (subject) => {
  const operation = async () => {
    const { login } = await subject.http.request<{ login: { token: string } }>(LOGIN, {
      input: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD },
    });
    await subject.http.request(ME, {}, login.token);
  };
  const rows: BenchmarkRow[] = [];
  for (const concurrency of [1, 8]) {
    const result = await runLoad({ durationMs: DURATION_MS, concurrency, warmupMs: 300, operation });
    subject.log(
      `login + me, ${concurrency} in flight: ${result.completed} in ${Math.round(result.elapsedMs)} ms, ` +
        `p50 ${result.latency.p50.toFixed(1)} ms, p99 ${result.latency.p99.toFixed(1)} ms`,
    );
    rows.push({
      benchmark: `login + query round-trips/s (${concurrency === 1 ? 'sequential' : `${concurrency} in flight`})`,
      database: subject.kind,
      value: result.perSecond,
      unit: 'round-trips/s',
    });
  }
  return rows;
};
