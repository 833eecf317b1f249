import { spawn } from 'node:child_process';
import { LEVANTE_BIN } from './levante-command.ts';
import type { LevanteUnderTest } from './levante-under-test.ts';
import { TEST_REDIS_URL } from './redis.ts';

export interface WorkerProcess {
  /** What it printed so far. */
  output(): string;
  /** Sends SIGTERM, waits for the worker to finish its jobs and exit, and gives its exit code. */
  stop(): Promise<number | null>;
}

/** The configuration of a worker on the data of `levante`: its home (master key), PostgreSQL and Redis. */
export function workerEnvironment(levante: LevanteUnderTest): NodeJS.ProcessEnv {
  if (!levante.databaseUrl) throw new Error('A worker process needs PostgreSQL.');
  return {
    ...process.env,
    LEVANTE_HOME: levante.home,
    DATABASE_URL: levante.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: 'warn',
  };
}

/**
 * Runs `levante worker` as an operator would, on the data of `levante` (its
 * PostgreSQL database, master key and Redis), once it says it runs.
 */
export async function startWorkerProcess(levante: LevanteUnderTest): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [LEVANTE_BIN, 'worker'], {
    env: workerEnvironment(levante),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('Levante worker is running')) resolve();
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    void exited.then((code) => reject(new Error(`levante worker exited with ${code}:\n${output}`)));
  });
  return {
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
