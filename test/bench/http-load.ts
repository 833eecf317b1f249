import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { LoadConnection } from './load-connection.ts';
import { type LoadResult, runLoad } from './measure.ts';

const WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then(({ tsImport }) => tsImport(workerData.module, workerData.module));
`;

export interface HttpLoadOptions {
  readonly url: string;
  readonly token: string | null;
  readonly query: string;
  /** Each `{i}` in a string value becomes the operation's number: unique names, say. */
  readonly variables?: Record<string, unknown>;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly warmupMs?: number;
  /** Send this many operations, then stop. */
  readonly count?: number;
}

/**
 * Sends one GraphQL operation over and over from a worker thread, so that the
 * load generator runs beside the server's event loop instead of on it.
 */
export function runHttpLoadInWorker(options: HttpLoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // tsx's loader does not reach worker threads: the worker loads this module through tsx's API.
    const worker = new Worker(WORKER_BOOTSTRAP, {
      eval: true,
      workerData: { options, tsxApi: import.meta.resolve('tsx/esm/api'), module: import.meta.url },
    });
    let result: LoadResult | null = null;
    worker.once('message', (message: LoadResult) => {
      result = message;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`the load worker exited with code ${code} and no result`));
    });
  });
}

async function workerMain(options: HttpLoadOptions): Promise<LoadResult> {
  const url = new URL('/graphql', options.url);
  // One connection per operation in flight: an operation takes a free one and gives it back.
  const free = Array.from({ length: options.concurrency }, () => new LoadConnection(url, options.token));
  const all = [...free];
  try {
    return await runLoad({
      durationMs: options.durationMs,
      concurrency: options.concurrency,
      ...(options.warmupMs ? { warmupMs: options.warmupMs } : {}),
      ...(options.count ? { count: options.count } : {}),
      operation: async (index) => {
        const connection = free.pop()!;
        try {
          await connection.post(
            JSON.stringify({ query: options.query, variables: numbered(options.variables ?? {}, index) }),
          );
        } finally {
          free.push(connection);
        }
      },
    });
  } finally {
    for (const connection of all) connection.close();
  }
}

function numbered(variables: Record<string, unknown>, index: number): Record<string, unknown> {
  const text = JSON.stringify(variables);
  return text.includes('{i}') ? JSON.parse(text.replaceAll('{i}', String(index))) : variables;
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  workerMain((workerData as { options: HttpLoadOptions }).options).then((result) => port.postMessage(result));
}
