import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A moto server (AWS APIs, EC2 included) on 127.0.0.1, for tests. */
export interface MotoServer {
  /** http://127.0.0.1:<port>, the endpoint for every AWS SDK client. */
  readonly endpoint: string;
  /** Clears every resource, IAM users included, and turns IAM authentication off again. */
  reset(): Promise<void>;
  /**
   * Turns moto's IAM authentication on or off. On, moto checks every request's
   * signature against the access keys of its IAM users (create them first)
   * and refuses unknown keys with AuthFailure; off (the default), it accepts anything.
   */
  enforceAuthentication(enforced: boolean): Promise<void>;
  stop(): Promise<void>;
}

export interface MotoServerOptions {
  /** More environment for moto (its settings are environment variables). */
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

/**
 * Moto as close to AWS as it gets: RunInstances refuses unknown images and
 * instance types, as EC2 does, instead of running them anyway.
 */
const AWS_LIKE_ENV: Readonly<Record<string, string>> = {
  MOTO_ENABLE_AMI_VALIDATION: 'true',
  MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true',
};

const inCi = (): boolean => process.env.CI === 'true';

/**
 * Why moto cannot run here (python3 or its moto module is missing), or null
 * when it can. Always null with CI=true: CI must start the peer or fail, never skip.
 */
export function motoMissing(): string | null {
  if (inCi()) return null;
  const probe = spawnSync('python3', ['-c', 'import moto.server'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.error) return `python3 is not available (${probe.error.message})`;
  if (probe.status !== 0) return `python3 cannot import moto.server (pip install "moto[server]")`;
  return null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('No free port on 127.0.0.1.');
  return address.port;
}

/** Keeps the last lines a process wrote, for the error message when it fails. */
function tail(child: ChildProcess, lines: string[]): void {
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!done) {
    child.kill('SIGKILL');
    await exited;
  }
}

async function post(endpoint: string, path: string, body?: string): Promise<void> {
  const response = await fetch(`${endpoint}${path}`, { method: 'POST', body });
  if (!response.ok)
    throw new Error(`moto ${path} answered HTTP ${response.status}: ${await response.text()}`);
}

async function startOnce(port: number, options: MotoServerOptions): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...AWS_LIKE_ENV, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  tail(child, output);
  // Should the test process end without stop(), the server goes with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const spawned: { error: Error | null } = { error: null };
  child.once('error', (error) => {
    spawned.error = error;
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    if (spawned.error || child.exitCode !== null) {
      process.off('exit', killOnExit);
      const why = spawned.error?.message ?? `exit code ${child.exitCode}`;
      throw new Error(`moto did not start on port ${port}: ${why}\n${output.join('\n')}`);
    }
    // Any answer means it is up: GET on the reset route just says to POST.
    const up = await fetch(`${endpoint}/moto-api/reset`, { signal: AbortSignal.timeout(1_000) }).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stopProcess(child);
      process.off('exit', killOnExit);
      throw new Error(`moto did not answer on ${endpoint} within its start timeout.\n${output.join('\n')}`);
    }
    await sleep(100);
  }

  return {
    endpoint,
    async reset() {
      await post(endpoint, '/moto-api/reset-auth', 'inf');
      await post(endpoint, '/moto-api/reset');
    },
    async enforceAuthentication(enforced) {
      await post(endpoint, '/moto-api/reset-auth', enforced ? '0' : 'inf');
    },
    async stop() {
      await stopProcess(child);
      process.off('exit', killOnExit);
    },
  };
}

/**
 * Starts `python3 -m moto.server` on a free port of 127.0.0.1 and waits until
 * it answers (about a second). Throws when it cannot start; callers that may
 * skip check motoMissing() first.
 */
export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  let lastError: unknown;
  // A free port may be taken between finding it and moto binding it: try another.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort(), options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}
