import { runHttpLoadInWorker } from './http-load.ts';
import type { Benchmark } from './subject.ts';

const CONCURRENCY = 32;
const DURATION_MS = 5000;
const NAME = 'authenticated queries/s (API token, one-row query)';

/**
 * `me` with an API token, 32 requests in flight over keep-alive connections,
 * sent from a worker thread so that the server has this process's main thread.
 */
export const authenticatedQueries: Benchmark = async (subject) => {
  const result = await runHttpLoadInWorker({
    url: subject.url,
    token: subject.apiToken,
    query: '{ me { id username } }',
    concurrency: CONCURRENCY,
    durationMs: DURATION_MS,
    warmupMs: 1000,
  });
  subject.log(
    `me with API token, ${CONCURRENCY} in flight: ${result.completed} in ${Math.round(result.elapsedMs)} ms`,
  );
  return [
    {
      benchmark: NAME,
      database: subject.kind,
      value: result.perSecond,
      unit: 'req/s',
      ...(subject.kind === 'postgres' ? { target: { op: '>=', value: 2000 } as const } : {}),
    },
    {
      benchmark: `  latency p50 at ${CONCURRENCY} in flight`,
      database: subject.kind,
      value: result.latency.p50,
      unit: 'ms',
    },
    {
      benchmark: `  latency p99 at ${CONCURRENCY} in flight`,
      database: subject.kind,
      value: result.latency.p99,
      unit: 'ms',
    },
  ];
};
