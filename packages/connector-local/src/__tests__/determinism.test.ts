import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { connectSite, create, machines } from './sim-site.ts';

const NAMES = ['web-1', 'web-2', 'web-3', 'db-1', 'db-2', 'cache-1'];

/** Creates NAMES at one instant, then moves the clock 10 ms at a time and notes when each is STARTED. */
async function run(seed: number) {
  const clock = new ManualClock();
  const start = clock.now();
  const connector = await connectSite({ seed, bootDelayMs: 1000, jitter: 0.5 }, { clock });
  const addresses: string[] = [];
  for (const name of NAMES) addresses.push(...(await create(connector, name)).addresses);
  const started: string[] = [];
  for (let step = 0; step < 200 && started.length < NAMES.length; step++) {
    clock.advance(10);
    for (const machine of await machines(connector)) {
      if (machine.state === 'STARTED' && !started.some((s) => s.startsWith(`${machine.name}@`))) {
        started.push(`${machine.name}@${clock.now() - start}`);
      }
    }
  }
  await connector.close();
  return { addresses, started };
}

describe('the simulator under a seed', () => {
  it('gives the same addresses and the same convergence order and times for the same seed', async () => {
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(first.started).toHaveLength(NAMES.length);
  });

  it('varies boot times within the jitter, and addresses by seed', async () => {
    const first = await run(7);
    const times = first.started.map((s) => Number(s.split('@')[1]));
    for (const time of times) {
      expect(time).toBeGreaterThanOrEqual(500);
      expect(time).toBeLessThanOrEqual(1510);
    }
    expect(new Set(times).size).toBeGreaterThan(1);
    expect((await run(8)).addresses).not.toEqual(first.addresses);
  });

  it('gives each machine one private address of its location, all different', async () => {
    const connector = await connectSite({ bootDelayMs: 0 });
    const paris = await create(connector, 'in-paris');
    const lyon = await create(connector, 'in-lyon', {
      location: 'lyon',
      host: { ref: 'lyon-a-1', hypervisor: 'xen' },
    });
    expect(paris.addresses).toEqual([expect.stringMatching(/^10\.1\.\d{1,3}\.\d{1,3}$/)]);
    expect(lyon.addresses).toEqual([expect.stringMatching(/^10\.2\.\d{1,3}\.\d{1,3}$/)]);
    await connector.close();
  });

  it('converges at once when delays are 0', async () => {
    const clock = new ManualClock();
    const connector = await connectSite({ bootDelayMs: 0, stopDelayMs: 0, actionDelayMs: 0 }, { clock });
    const machine = await create(connector, 'instant');
    expect((await connector.getMachine(machine))?.state).toBe('STARTED');
    await connector.act(machine, 'stop');
    expect((await connector.getMachine(machine))?.state).toBe('STOPPED');
    await connector.close();
  });
});
