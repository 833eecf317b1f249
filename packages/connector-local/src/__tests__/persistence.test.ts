import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectConnectorError } from '@levante/connector-api/conformance';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { connectSite, create, machines } from './sim-site.ts';

describe('the simulator with a data directory', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'levante-local-persistence-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps machines across a restart, and a transition under way finishes after it', async () => {
    const clock = new ManualClock();
    const first = await connectSite({}, { clock, dataDir });
    const web = await create(first, 'web');
    clock.advance(2_000);
    await first.act(web, 'stop');
    const db = await create(first, 'db');
    await first.close();
    expect(await readdir(dataDir)).toEqual(['local-sim.json']);

    // Levante restarts: a new factory, a new driver, the same directory.
    const second = await connectSite({}, { clock, dataDir });
    expect((await machines(second)).map((m) => [m.name, m.state])).toEqual([
      ['web', 'STOPPING'],
      ['db', 'CREATING'],
    ]);
    clock.advance(2_000);
    const after = await machines(second);
    expect(after.map((m) => [m.name, m.state, m.managedId])).toEqual([
      ['web', 'STOPPED', 'machine-web'],
      ['db', 'STARTED', 'machine-db'],
    ]);
    expect(after.map((m) => m.addresses)).toEqual([web.addresses, db.addresses]);
    await second.close();
  });

  it('a machine whose transition ended while Levante was down shows its final state', async () => {
    const clock = new ManualClock();
    const first = await connectSite({}, { clock, dataDir });
    const machine = await create(first, 'web');
    await first.close();
    clock.advance(60_000);
    const second = await connectSite({}, { clock, dataDir });
    expect((await second.getMachine(machine))?.state).toBe('STARTED');
    await second.close();
  });

  it('a create repeated after a restart returns the same machine, and the next one carries on the same sequence', async () => {
    const clock = new ManualClock();
    const straight = await connectSite({ seed: 3 }, { clock });
    await create(straight, 'one');
    const expected = await create(straight, 'two');
    await straight.close();

    const first = await connectSite({ seed: 3 }, { clock, dataDir });
    const one = await create(first, 'one');
    await first.close();
    const second = await connectSite({ seed: 3 }, { clock, dataDir });
    expect((await create(second, 'one')).ref).toBe(one.ref);
    const two = await create(second, 'two');
    expect(two.addresses).toEqual(expected.addresses);
    expect((await machines(second)).map((m) => m.name)).toEqual(['one', 'two']);
    await second.close();
  });

  it('writes every change before the call returns', async () => {
    const connector = await connectSite({}, { dataDir });
    await create(connector, 'web');
    const saved = JSON.parse(await readFile(join(dataDir, 'local-sim.json'), 'utf8'));
    expect(saved.domains.map((d: { name: string; state: string }) => [d.name, d.state])).toEqual([
      ['web', 'building'],
    ]);
    expect(JSON.stringify(saved)).not.toContain('userData');
    await connector.close();
  });

  it('refuses a damaged state file with a clear error', async () => {
    await writeFile(join(dataDir, 'local-sim.json'), '{ not json');
    const error = await expectConnectorError(connectSite({}, { dataDir }), ['ProviderUnavailable']);
    expect(error.message).toContain(`cannot read its state file ${join(dataDir, 'local-sim.json')}`);
  });
});
