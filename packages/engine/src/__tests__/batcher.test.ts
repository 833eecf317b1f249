import { describe, expect, it } from 'vitest';
import { Batcher, batchedLookup, type Settled } from '../batching/batcher.ts';

/** A batcher whose batches are recorded, and that doubles numbers unless told to fail. */
function recordingBatcher(fail: (items: readonly number[]) => Settled<number>[] | null = () => null) {
  const batches: number[][] = [];
  let release: () => void = () => {};
  let gate: Promise<void> | null = null;
  const batcher = new Batcher<number, number>(async (items) => {
    batches.push([...items]);
    if (gate) await gate;
    const failed = fail(items);
    if (failed) return failed;
    return items.map((n) => ({ value: n * 2 }));
  }, 4);
  return {
    batcher,
    batches,
    hold() {
      gate = new Promise((resolve) => {
        release = () => {
          gate = null;
          resolve();
        };
      });
    },
    release: () => release(),
  };
}

describe('Batcher', () => {
  it('runs a lone call at once, by itself', async () => {
    const { batcher, batches } = recordingBatcher();
    await expect(batcher.submit(21)).resolves.toBe(42);
    expect(batches).toEqual([[21]]);
  });

  it('gathers the calls made while a batch runs into the next ones, at most maxBatch each', async () => {
    const { batcher, batches, hold, release } = recordingBatcher();
    hold();
    const first = batcher.submit(1);
    const others = [2, 3, 4, 5, 6, 7].map((n) => batcher.submit(n));
    release();
    expect(await Promise.all([first, ...others])).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(batches).toEqual([[1], [2, 3, 4, 5], [6, 7]]);
  });

  it('gives each caller its own error, and the others their values', async () => {
    const { batcher, hold, release } = recordingBatcher((items) =>
      items.map((n) => (n === 3 ? { error: new Error(`three is refused`) } : { value: n })),
    );
    hold();
    const first = batcher.submit(1);
    const results = Promise.allSettled([2, 3, 4].map((n) => batcher.submit(n)));
    release();
    await first;
    expect(
      (await results).map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ).toEqual([2, 'three is refused', 4]);
  });

  it('runs a batch that fails as a whole again item by item, so only the bad item fails', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(async (items) => {
      batches.push([...items]);
      if (items.includes(13)) throw new Error('13 breaks the whole batch');
      return items.map((n) => ({ value: n }));
    });
    const blocker = batcher.submit(0);
    const results = Promise.allSettled([12, 13, 14].map((n) => batcher.submit(n)));
    await blocker;
    expect((await results).map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(batches).toEqual([[0], [12, 13, 14], [12], [13], [14]]);
  });

  it('looks keys asked together up in one load, once each, and answers undefined for a key not found', async () => {
    const loads: string[][] = [];
    const lookup = batchedLookup(
      async (keys: string[]) => {
        loads.push(keys);
        return keys.filter((k) => k !== 'ghost').map((k) => ({ key: k, upper: k.toUpperCase() }));
      },
      (row) => row.key,
    );
    const first = lookup.submit('a');
    const together = Promise.all(['b', 'ghost', 'b', 'c'].map((k) => lookup.submit(k)));
    expect(await first).toEqual({ key: 'a', upper: 'A' });
    expect((await together).map((row) => row?.upper)).toEqual(['B', undefined, 'B', 'C']);
    expect(loads).toEqual([['a'], ['b', 'ghost', 'c']]);
  });
});
