/**
 * The web console's figures (issue #5), run once: the first-load JavaScript of each route of the
 * production build (no database: '—'), then, in Debian's Chromium against Levante on PGlite in
 * this process, how fast engine changes reach the inventory and the placement map. Builds the
 * console first when its build is missing or stale, as `npm start` does.
 */
import { ensureConsoleBuilt } from '../../browser/support/levante-process.ts';
import type { BenchmarkRow } from '../table.ts';
import { openConsoleSite } from './console-site.ts';
import { firstLoadJsRows } from './first-load-js.ts';
import { liveInventory } from './live-inventory.ts';
import { livePlacementMap } from './live-placement-map.ts';

export async function consoleBenchmarks(): Promise<BenchmarkRow[]> {
  const started = performance.now();
  process.stderr.write('[console] building the console if it is missing or stale…\n');
  await ensureConsoleBuilt();
  const rows = firstLoadJsRows();
  // Next prints a line on stdout when the server loads it ("✓ Running next.config.mjs took …"),
  // quiet or not: stdout is for the table alone, so it goes to stderr meanwhile.
  const stdoutWrite = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr);
  try {
    const site = await openConsoleSite();
    try {
      rows.push(...(await liveInventory(site)));
      rows.push(...(await livePlacementMap(site)));
    } finally {
      await site.close();
    }
  } finally {
    process.stdout.write = stdoutWrite;
  }
  process.stderr.write(
    `[console] the console benchmarks took ${Math.round((performance.now() - started) / 1000)} s\n`,
  );
  return rows;
}
