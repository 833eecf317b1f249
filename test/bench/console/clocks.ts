import { performance } from 'node:perf_hooks';
import type { Page } from '../../../apps/web/testing/chromium.ts';

/**
 * Milliseconds since the epoch, sub-millisecond, on this process's clock. A page's
 * `performance.timeOrigin + performance.now()` is the same kind of clock in Chromium's renderer;
 * `pageClockOffset` measures how far apart the two are.
 */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

const SAMPLES = 25;

/**
 * How far the page's clock is ahead of this process's, NTP-style: the page's time is read between
 * two of ours, and the round trip with the smallest delay wins. Its error is at most half that
 * delay, which is returned too.
 */
export async function pageClockOffset(page: Page): Promise<{ offsetMs: number; errorMs: number }> {
  let best = { offsetMs: 0, errorMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < SAMPLES; i++) {
    const before = now();
    const inPage = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = now();
    const errorMs = (after - before) / 2;
    if (errorMs < best.errorMs) best = { offsetMs: inPage - (before + after) / 2, errorMs };
  }
  if (best.errorMs > 5)
    throw new Error(`the page's clock cannot be compared: best round trip ${best.errorMs * 2} ms`);
  return best;
}
