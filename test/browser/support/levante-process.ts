import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEVANTE_BIN } from '../../support/levante-command.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ENSURE_BUILD = join(ROOT, 'apps', 'web', 'scripts', 'ensure-build.mjs');

export interface StartedLevante {
  readonly url: string;
  /** The first admin's one-time password, printed once at first start. */
  readonly adminPassword: string;
  stop(): Promise<void>;
}

/**
 * Builds the console when it is missing or stale, as `npm start` does (about a minute). Not
 * spawnSync: the test worker must keep answering its runner meanwhile.
 */
export async function ensureConsoleBuilt(): Promise<void> {
  const child = spawn(process.execPath, [ENSURE_BUILD], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the console did not build:\n${output}`);
}

/**
 * `levante start` on a fresh data directory, as a person runs it: the simulated site is seeded
 * and the admin gets a one-time password.
 */
export async function startLevante(): Promise<StartedLevante> {
  const home = mkdtempSync(join(tmpdir(), 'levante-browser-'));
  const env: NodeJS.ProcessEnv = { ...process.env, LEVANTE_HOME: home, PORT: '0', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.LEVANTE_ADMIN_PASSWORD;
  delete env.LEVANTE_SEED_SITE;
  const child: ChildProcess = spawn(process.execPath, [LEVANTE_BIN, 'start'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const started = await new Promise<{ url: string; adminPassword: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Levante did not start:\n${output}`)), 90_000);
    child.stdout?.on('data', () => {
      const url = /Levante is running at (\S+)/.exec(output)?.[1];
      const adminPassword = /one-time password\s+(\S+)/.exec(output)?.[1];
      if (url && adminPassword) {
        clearTimeout(timer);
        resolve({ url, adminPassword });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`levante exited with ${code}:\n${output}`));
    });
  });
  return {
    ...started,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
