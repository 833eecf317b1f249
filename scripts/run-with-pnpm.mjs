#!/usr/bin/env node
// Entry point for `npm start`, `npm test` and `npm run bench` on a machine that has
// only Node and npm: it fetches the pnpm pinned in package.json through npx,
// installs the workspace from the lockfile, then runs the task with that pnpm.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TASKS = { start: 'serve', test: 'test:all', bench: 'bench:run' };

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const task = TASKS[process.argv[2]];
if (!task) {
  console.error(`usage: run-with-pnpm.mjs ${Object.keys(TASKS).join('|')}`);
  process.exit(2);
}
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function pnpm(args) {
  const result = spawnSync('npx', ['--yes', packageManager, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

pnpm(['install', '--frozen-lockfile', '--reporter=append-only']);
pnpm(['run', task, ...process.argv.slice(3)]);
