import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectConnectorError } from '@levante/connector-api/conformance';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { type SimDomain, SimStateFile } from '../drivers/sim/sim-state-file.ts';
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

  it('writes every change before the call returns, and user data never', async () => {
    const connector = await connectSite({}, { dataDir });
    await create(connector, 'web');
    // Levante dies here: nothing is closed, a new simulator reads what is on disk.
    const saved = await new SimStateFile(dataDir).load();
    expect(saved?.domains.map((d) => [d.name, d.state])).toEqual([['web', 'building']]);
    for (const name of await readdir(dataDir)) {
      expect(await readFile(join(dataDir, name), 'utf8')).not.toContain('userData');
    }
    await connector.close();
  });

  it('appends only the changed machines to a journal, and folds it into the snapshot on close', async () => {
    const clock = new ManualClock();
    const connector = await connectSite({}, { clock, dataDir });
    await create(connector, 'first');
    expect(await readdir(dataDir)).toEqual(['local-sim.0.log']);
    const names = Array.from({ length: 20 }, (_, i) => `m-${i}`);
    await Promise.all(names.map((name) => create(connector, name)));
    await create(connector, 'last');
    const journal = await readFile(join(dataDir, 'local-sim.0.log'), 'utf8');
    const lines = journal
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { domains: { name: string }[] });
    expect(lines[0]!.domains.map((d) => d.name)).toEqual(['first']);
    expect(lines.at(-1)!.domains.map((d) => d.name)).toEqual(['last']);
    expect(lines.flatMap((line) => line.domains.map((d) => d.name)).sort()).toEqual(
      ['first', ...names, 'last'].sort(),
    );
    await connector.close();
    expect(await readdir(dataDir)).toEqual(['local-sim.json']);

    const reopened = await connectSite({}, { clock, dataDir });
    expect((await machines(reopened)).map((m) => m.name)).toEqual(['first', ...names, 'last']);
    await reopened.close();
  });

  it('folds the journal into a new snapshot once it outgrows the snapshot', async () => {
    const file = new SimStateFile(dataDir, 0);
    const domains: SimDomain[] = [];
    const state = () => ({ random: domains.length, domains: [...domains] });
    const generations = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const domain = simDomain(`d-${i}`);
      domains.push(domain);
      await file.save(domain, state);
      const snapshot = await readFile(file.path, 'utf8').catch(() => null);
      if (snapshot) generations.add((JSON.parse(snapshot) as { generation: number }).generation);
      expect((await readdir(dataDir)).filter((name) => name.endsWith('.log')).length).toBeLessThanOrEqual(1);
    }
    // Compacted more than once, each time into the next generation.
    expect(generations.size).toBeGreaterThan(1);
    const loaded = await new SimStateFile(dataDir).load();
    expect(loaded).toEqual({ random: 12, domains });
  });

  it('reads a journal whose last line a crash cut short, and ignores a journal of another generation', async () => {
    const clock = new ManualClock();
    const first = await connectSite({}, { clock, dataDir });
    await create(first, 'kept');
    await first.close(); // snapshot of generation 1
    const second = await connectSite({}, { clock, dataDir });
    await create(second, 'journaled');
    // Levante dies mid-append: half a line after the last newline.
    await writeFile(join(dataDir, 'local-sim.1.log'), '{"random":1,"domains":[{"ref":"cut', { flag: 'a' });
    // Left over by a crash between a compaction's rename and its unlink.
    await writeFile(join(dataDir, 'local-sim.0.log'), '{"random":1,"domains":[]}\n');
    const third = await connectSite({}, { clock, dataDir });
    expect((await machines(third)).map((m) => m.name)).toEqual(['kept', 'journaled']);
    expect(await readdir(dataDir)).not.toContain('local-sim.0.log');
    await third.close();
  });

  it('a simulator that only read, closing, leaves what another process wrote meanwhile', async () => {
    // An API server and a `levante worker` both open the site; only the worker creates machines.
    const clock = new ManualClock();
    const worker = await connectSite({}, { clock, dataDir });
    await create(worker, 'web');
    const server = await connectSite({}, { clock, dataDir });
    await create(worker, 'db');
    await server.close();
    const after = await connectSite({}, { clock, dataDir });
    expect((await machines(after)).map((m) => m.name)).toEqual(['web', 'db']);
    await after.close();
    await worker.close();
  });

  it("a simulator that only reads sees what another process's simulator does to the site", async () => {
    // An API server lists what the `levante worker` beside it creates, changes and deletes.
    const clock = new ManualClock();
    const worker = await connectSite({}, { clock, dataDir });
    const server = await connectSite({}, { clock, dataDir });
    const web = await create(worker, 'web');
    expect((await server.getMachine(web))?.name).toBe('web');
    clock.advance(2_000);
    await worker.act(web, 'stop');
    await create(worker, 'db');
    clock.advance(2_000);
    expect((await machines(server)).map((m) => [m.name, m.state])).toEqual([
      ['web', 'STOPPED'],
      ['db', 'STARTED'],
    ]);
    await worker.act(web, 'delete');
    clock.advance(2_000);
    expect((await machines(server)).map((m) => m.name)).toEqual(['db']);
    expect((await server.getMachine(web))?.state).toBe('DELETED');
    await server.close();
    await worker.close();
  });

  it('refuses a damaged state file with a clear error', async () => {
    await writeFile(join(dataDir, 'local-sim.json'), '{ not json');
    const error = await expectConnectorError(connectSite({}, { dataDir }), ['ProviderUnavailable']);
    expect(error.message).toContain(`cannot read its state file ${join(dataDir, 'local-sim.json')}`);
  });
});

function simDomain(name: string): SimDomain {
  return {
    ref: `ref-${name}`,
    name,
    location: 'paris',
    hostRef: 'host-1',
    hypervisor: 'kvm',
    imageRef: 'image',
    configurationRef: 'small',
    vcpus: 1,
    memoryMiB: 512,
    diskGiB: 10,
    managedId: null,
    addresses: ['10.1.0.2'],
    state: 'running',
    error: null,
    pending: null,
    changedAt: 0,
  };
}
