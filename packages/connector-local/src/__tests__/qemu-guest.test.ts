import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Connector, MachineInfo, MachineRef } from '@levante/connector-api';
import { collect, expectConnectorError, waitForState } from '@levante/connector-api/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killQemuUnder, qemuPidsUnder } from '../../../../test/peers/qemu-processes.ts';
import {
  buildTinyGuest,
  qemuMissing,
  TINY_GUEST_MARKER,
  TINY_GUEST_TICK,
  type TinyGuest,
} from '../../../../test/peers/tiny-guest.ts';
import { QemuDriver } from '../drivers/qemu/qemu-driver.ts';
import { QmpClient, runState } from '../drivers/qemu/qmp-client.ts';
import { LocalConnector } from '../local-connector.ts';
import { createLocalConnectorFactory } from '../local-connector-factory.ts';
import { qemuSiteSettings, RecordingPool } from './qemu-site.ts';

const run = promisify(execFile);
const missing = qemuMissing();
const TIMEOUT = 30_000;
/** Each test waits for at most a boot or two. */
const BUDGET = 2 * TIMEOUT + 10_000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The tick counts a console log shows, in order. */
async function ticks(log: string): Promise<number[]> {
  const text = await readFile(log, 'latin1').catch(() => '');
  return [...text.matchAll(TINY_GUEST_TICK)].map((match) => Number(match[1]));
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${TIMEOUT} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(missing !== null)(
  `a tiny real guest under QEMU${missing ? ` (skipped: ${missing}; with CI=true this fails instead)` : ''}`,
  () => {
    let guest: TinyGuest;
    let dataDir: string;
    let pool: RecordingPool;
    let connector: LocalConnector;
    let machine: MachineRef;

    const connect = async (): Promise<LocalConnector> => {
      pool = new RecordingPool();
      const connected: Connector = await createLocalConnectorFactory({ pool }).connect({
        endpoint: null,
        credentials: { token: 'local' },
        settings: qemuSiteSettings(guest, 'local'),
        dataDir,
      });
      if (!(connected instanceof LocalConnector))
        throw new Error('The local factory made another connector.');
      return connected;
    };
    const driver = (): QemuDriver => {
      const found = pool.drivers[0];
      if (!(found instanceof QemuDriver)) throw new Error('No qemu driver.');
      return found;
    };
    const consoleLog = () => driver().consoleLogOf(machine.ref) ?? '';
    const settled = (state: string) => (m: MachineInfo | null) => m?.state === state;

    beforeAll(async () => {
      guest = await buildTinyGuest();
      dataDir = await mkdtemp(join(tmpdir(), 'levante-qemu-guest-'));
      connector = await connect();
    });

    afterAll(async () => {
      await connector?.close();
      if (dataDir) {
        await killQemuUnder(dataDir);
        await rm(dataDir, { recursive: true, force: true });
      }
    });

    it(
      'boots: STARTED once the guest printed its ready marker on the serial console',
      async () => {
        const created = await connector.createMachine(
          {
            machineId: 'machine-tiny',
            name: 'tiny',
            location: 'paris',
            imageRef: 'tiny',
            configurationRef: 'tiny',
            host: { ref: 'paris-a-1', hypervisor: 'kvm' },
            userData: null,
          },
          { idempotencyKey: 'tiny' },
        );
        machine = created;
        expect(created.state).toBe('CREATING');
        const started = await waitForState(connector, machine, settled('STARTED'), TIMEOUT);
        expect(started).toMatchObject({
          hostRef: 'paris-a-1',
          extra: { driver: 'qemu', nativeState: 'running' },
        });
        expect(await readFile(consoleLog(), 'latin1')).toContain(TINY_GUEST_MARKER);
        expect(driver().pids()).toHaveLength(1);
        // Its disk is an overlay of the image's; the image itself is only read (-U: QEMU holds the lock).
        const { stdout } = await run('qemu-img', [
          'info',
          '-U',
          '--output=json',
          join(dirname(consoleLog()), 'disk.qcow2'),
        ]);
        expect(JSON.parse(stdout)).toMatchObject({ format: 'qcow2', 'backing-filename': guest.disk });
      },
      BUDGET,
    );

    it(
      'refuses a create QEMU cannot boot, with QEMU’s reason, and leaves nothing behind',
      async () => {
        const spec = {
          machineId: 'machine-broken',
          name: 'broken',
          location: 'paris',
          imageRef: 'broken',
          configurationRef: 'tiny',
          host: { ref: 'paris-a-1', hypervisor: 'kvm' },
          userData: null,
        } as const;
        const error = await expectConnectorError(
          connector.createMachine(spec, { idempotencyKey: 'broken' }),
          ['ProviderUnavailable'],
        );
        expect(error.message).toMatch(
          /^QEMU did not start \(qemu: could not open kernel file '.*vmlinuz\.missing'/,
        );
        expect((await collect(connector.listMachines())).map((m) => m.name)).toEqual(['tiny']);
        expect(driver().pids()).toHaveLength(1);
      },
      BUDGET,
    );

    it(
      'pauses and unpauses',
      async () => {
        await connector.act(machine, 'pause');
        expect((await connector.getMachine(machine))?.state).toBe('PAUSED');
        await connector.act(machine, 'unpause');
        expect((await connector.getMachine(machine))?.state).toBe('STARTED');
      },
      BUDGET,
    );

    it(
      'suspends to a file and resumes in a new QEMU: the guest carries on, it does not boot again',
      async () => {
        const before = await ticks(consoleLog());
        await connector.act(machine, 'suspend');
        await waitForState(connector, machine, settled('SUSPENDED'), TIMEOUT);
        expect(driver().pids()).toEqual([]);
        await connector.act(machine, 'resume');
        await waitForState(connector, machine, settled('STARTED'), TIMEOUT);
        const after = await until(
          () => ticks(consoleLog()),
          (t) => t.length > 0,
          'A tick after the resume',
        );
        expect(after[0]).toBeGreaterThan(before.at(-1) ?? 0);
        expect(await readFile(consoleLog(), 'latin1')).not.toContain(TINY_GUEST_MARKER);
      },
      BUDGET,
    );

    it(
      'refuses a migration to its own host or to a host the site does not have',
      async () => {
        await expectConnectorError(connector.migrateMachine(machine, 'paris-a-1'), ['InvalidRequest']);
        await expectConnectorError(connector.migrateMachine(machine, 'lyon-9'), ['InvalidRequest']);
      },
      BUDGET,
    );

    it(
      'migrates live to another host: the destination carries on the tick count',
      async () => {
        const source = await ticks(consoleLog());
        const [sourcePid] = driver().pids();
        const moved = await connector.migrateMachine(machine, 'paris-a-2');
        expect(moved).toMatchObject({ state: 'STARTED', hostRef: 'paris-a-2' });
        const [destinationPid] = driver().pids();
        expect(destinationPid).not.toBe(sourcePid);
        await until(async () => !alive(sourcePid ?? 0), Boolean, 'The source QEMU exiting');

        const arrived = await until(
          () => ticks(consoleLog()),
          (t) => t.length > 0,
          'A tick on the destination',
        );
        expect(arrived[0]).toBeGreaterThan(source.at(-1) ?? 0);
        expect(await readFile(consoleLog(), 'latin1')).not.toContain(TINY_GUEST_MARKER);
      },
      BUDGET,
    );

    it(
      'keeps running when Levante closes, and a new Levante attaches to it again',
      async () => {
        const [pid] = driver().pids();
        await connector.close();
        expect(alive(pid ?? 0)).toBe(true);
        connector = await connect();
        expect(await connector.getMachine(machine)).toMatchObject({ state: 'STARTED', hostRef: 'paris-a-2' });
        expect(driver().pids()).toEqual([pid]);
      },
      BUDGET,
    );

    it(
      'powers off cleanly: the guest shuts down on the power button and QEMU exits',
      async () => {
        const [pid] = driver().pids();
        await connector.act(machine, 'stop');
        await waitForState(connector, machine, settled('STOPPED'), TIMEOUT);
        expect(alive(pid ?? 0)).toBe(false);
        expect(await readFile(consoleLog(), 'latin1')).toContain('LEVANTE-GUEST-POWEROFF');
        expect(await qemuPidsUnder(dataDir)).toEqual([]);
      },
      BUDGET,
    );

    it(
      'shows STOPPED when the guest powered off while Levante was away',
      async () => {
        await connector.act(machine, 'start');
        await waitForState(connector, machine, settled('STARTED'), TIMEOUT);
        const [pid] = driver().pids();
        const qmpSocket = join(
          dirname(consoleLog()),
          basename(consoleLog()).replace(/^console-(\d+)\.log$/, 'qmp-$1.sock'),
        );
        await connector.close();
        // An operator presses the power button: with -no-shutdown, QEMU stays, idle, in run state 'shutdown'.
        const qmp = await QmpClient.connect(qmpSocket);
        await qmp.execute('system_powerdown');
        await until(
          () => runState(qmp),
          (state) => state === 'shutdown',
          'The guest powering off',
        );
        qmp.close();
        connector = await connect();
        await waitForState(connector, machine, settled('STOPPED'), TIMEOUT);
        await until(async () => !alive(pid ?? 0), Boolean, 'QEMU exiting');
      },
      BUDGET,
    );

    it(
      'shows ERROR, with the reason, when QEMU dies under it',
      async () => {
        await connector.act(machine, 'start');
        const [pid] = driver().pids();
        process.kill(pid ?? 0, 'SIGKILL');
        const failed = await waitForState(connector, machine, settled('ERROR'), TIMEOUT);
        expect(failed?.error).toMatch(
          new RegExp(`^QEMU \\(pid ${pid}\\) ended while the machine was booting`),
        );
      },
      BUDGET,
    );

    it(
      'is gone with its files once deleted',
      async () => {
        await connector.act(machine, 'delete');
        const gone = await waitForState(
          connector,
          machine,
          (m) => m === null || m.state === 'DELETED',
          TIMEOUT,
        );
        expect(gone?.state ?? 'DELETED').toBe('DELETED');
        expect(await qemuPidsUnder(dataDir)).toEqual([]);
      },
      BUDGET,
    );
  },
);
