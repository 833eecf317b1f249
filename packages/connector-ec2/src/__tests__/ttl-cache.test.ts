import { describe, expect, it } from 'vitest';
import { TtlCache } from '../ttl-cache.ts';

describe('catalogue cache', () => {
  it.each([
    // ttlMs, ms between two reads, loads
    [600_000, 0, 1],
    [600_000, 599_999, 1],
    [600_000, 600_000, 2],
    [600_000, 3_600_000, 2],
    [0, 0, 2],
  ])('with a TTL of %i ms, two reads %i ms apart load %i time(s)', async (ttlMs, gapMs, loads) => {
    let now = 1_000;
    let calls = 0;
    const cache = new TtlCache<string, number>(ttlMs, () => now);
    const load = async () => ++calls;
    expect(await cache.get('us-east-1', load)).toBe(1);
    now += gapMs;
    expect(await cache.get('us-east-1', load)).toBe(loads);
    expect(calls).toBe(loads);
  });

  it('keeps each key apart', async () => {
    const cache = new TtlCache<string, string>(60_000, () => 0);
    expect(await cache.get('us-east-1', async () => 'a')).toBe('a');
    expect(await cache.get('eu-west-1', async () => 'b')).toBe('b');
    expect(await cache.get('us-east-1', async () => 'c')).toBe('a');
  });

  it('keeps no failed load, and clear() forgets everything', async () => {
    const cache = new TtlCache<string, string>(60_000, () => 0);
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => 'up')).toBe('up');
    cache.clear();
    expect(await cache.get('k', async () => 'again')).toBe('again');
  });
});
