import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataOf, errorCode, gql } from '../support/graphql-client.ts';
import { LEVANTE_BIN } from '../support/levante-command.ts';

const home = mkdtempSync(join(tmpdir(), 'levante-cli-'));
const env: NodeJS.ProcessEnv = { ...process.env, LEVANTE_HOME: home, PORT: '0', LOG_LEVEL: 'warn' };
delete env.DATABASE_URL;
delete env.LEVANTE_ADMIN_PASSWORD;

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

/** Runs `levante start` as a person would, and waits for it to say where it listens. */
async function start(): Promise<Started> {
  const child = spawn(process.execPath, [LEVANTE_BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output}`)), 60_000);
    const check = () => {
      const match = /Levante is running at (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        // The first-start banner follows the URL on the next lines.
        setTimeout(() => resolve(match[1]!), 200);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`levante exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

async function stop(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGTERM');
  return exited;
}

const run = (...args: string[]) =>
  spawnSync(process.execPath, [LEVANTE_BIN, ...args], { env, encoding: 'utf8' });

const LOGIN = `mutation L($p: String!) { login(input: { username: "admin", password: $p }) { token user { mustChangePassword } } }`;

describe('the levante command', () => {
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('starts on an empty data directory, prints a one-time admin password once, and keeps data across restarts', async () => {
    const first = await start();
    const password = /one-time password\s+(\S+)/.exec(first.output())?.[1];
    expect(password, first.output()).toMatch(/^\w{5}-\w{5}-\w{5}-\w{5}$/);
    expect(statSync(join(home, 'master.key')).mode & 0o777).toBe(0o600);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${first.url}/graphiql`)).headers.get('content-type')).toContain('text/html');

    const login = dataOf(
      await gql<{ login: { token: string; user: { mustChangePassword: boolean } } }>(first.url, LOGIN, {
        p: password,
      }),
    );
    expect(login.login.user.mustChangePassword).toBe(true);
    const token = login.login.token;
    const blocked = await gql(
      first.url,
      'mutation { createProject(input: { name: "early" }) { project { id } } }',
      {},
      { token },
    );
    expect(errorCode(blocked)).toBe('FORBIDDEN');
    dataOf(
      await gql(
        first.url,
        'mutation C($c: String!) { changePassword(input: { currentPassword: $c, newPassword: "the admin chose this" }) { user { mustChangePassword } } }',
        { c: password },
        { token },
      ),
    );
    dataOf(
      await gql(
        first.url,
        'mutation { createProject(input: { name: "kept" }) { project { id } } }',
        {},
        { token },
      ),
    );
    expect(await stop(first)).toBe(0);

    const second = await start();
    expect(second.output()).not.toMatch(/one-time password/);
    const again = dataOf(
      await gql<{ login: { token: string } }>(second.url, LOGIN, { p: 'the admin chose this' }),
    );
    const projects = dataOf(
      await gql<{ projects: { edges: { node: { name: string } }[] } }>(
        second.url,
        '{ projects { edges { node { name } } } }',
        {},
        { token: again.login.token },
      ),
    );
    expect(projects.projects.edges.map((e) => e.node.name)).toContain('kept');
    expect(await stop(second)).toBe(0);
  }, 120_000);

  it('resets a lost password from the command line, to be changed at next login', async () => {
    const reset = run('admin', 'reset-password', 'admin');
    expect(reset.status, reset.stderr).toBe(0);
    const password = /One-time password for "admin": (\S+)/.exec(reset.stdout)?.[1];
    expect(password).toBeTruthy();
    const started = await start();
    const login = dataOf(
      await gql<{ login: { user: { mustChangePassword: boolean } } }>(started.url, LOGIN, { p: password }),
    );
    expect(login.login.user.mustChangePassword).toBe(true);
    const old = await gql(started.url, LOGIN, { p: 'the admin chose this' });
    expect(errorCode(old)).toBe('UNAUTHENTICATED');
    await stop(started);
    const unknown = run('admin', 'reset-password', 'nobody');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('User "nobody" was not found.');
  }, 120_000);

  it('migrates on demand, and refuses a bad configuration with a clear message', () => {
    const migrate = run('migrate');
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain('is up to date');
    const bad = spawnSync(process.execPath, [LEVANTE_BIN, 'start'], {
      env: { ...env, PORT: 'eighty', LEVANTE_ADMIN_PASSWORD: 'short', LEVANTE_JOB_RETENTION_DAYS: '-1' },
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('PORT: must be a number');
    expect(bad.stderr).toContain('LEVANTE_ADMIN_PASSWORD: must have at least 12 characters');
    expect(bad.stderr).toContain('LEVANTE_JOB_RETENTION_DAYS: must be 0 (keep jobs for ever) or more days');
    const usage = run('frobnicate');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('Usage: levante <command>');
  }, 60_000);
});
