#!/usr/bin/env node
// Builds the console (`next build`) when its build is missing or older than its sources, so that
// `npm start` always serves the console of the checked-out code. Prints why it builds, or nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildId = join(web, '.next', 'BUILD_ID');
const SOURCES = ['src', 'public', 'package.json', 'next.config.mjs', 'tsconfig.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === '__tests__') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
const sources = Math.max(...SOURCES.map((s) => newestMtime(join(web, s))));
if (built === 0 || sources > built) {
  console.log(
    built === 0 ? 'Building the web console (first start)…' : 'The web console changed: building it again…',
  );
  const next = join(web, 'node_modules', 'next', 'dist', 'bin', 'next');
  const result = spawnSync(process.execPath, [next, 'build'], {
    cwd: web,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  process.exit(result.status ?? 1);
}
