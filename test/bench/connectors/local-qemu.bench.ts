/**
 * The local connector's qemu driver against real QEMU guests (issue #6):
 * inventory listing with GUESTS (100) tiny guests running, create → STARTED,
 * and Levante's overhead beside QEMU driven by hand (qemu-img,
 * qemu-system-x86_64, the serial console, QMP).
 *
 * Under TCG (this machine's /dev/kvm hangs guests: see test/peers/README.md)
 * a tiny guest took about 220 MB of RSS with 128 MiB of memory and QEMU's
 * default translation buffer (1 GiB, about 45 MB of it touched, in huge
 * pages). With 96 MiB and `qemu.tbSizeMiB` 16 (TINY_GUEST_*) it takes about
 * 165 MB of RSS, 142 MB of it private, and boots as fast: 2.1 s of CPU, then
 * about 0.9% of a core idle (test/peers/README.md has the other settings).
 * Measured on 2 cores and 24 GB while other tests ran beside:
 * - through the connector, the 94 untimed guests boot three at a time in
 *   about 230 s; the 100 QEMUs then hold 14.1 GB of private memory and the
 *   machine's used memory went from 1.9 to 15.7 GB;
 * - idle, the 100 take 0.9 of a core together; QMP query-status to each of
 *   them takes 20 to 45 ms.
 * Boots stop with an error if less than MIN_AVAILABLE_MIB of memory is left,
 * and every QEMU started here is killed by PID at the end, on failure too, or
 * on SIGINT/SIGTERM (the driver's QEMUs are detached and would outlive us).
 */
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Connector, CreateMachineSpec, MachineRef } from '@levante/connector-api';
import { localConnectorFactory } from '@levante/connector-local';
import { qemuSiteSettings, TEST_ACCEL } from '../../../packages/connector-local/src/__tests__/qemu-site.ts';
import { chooseAccel } from '../../../packages/connector-local/src/drivers/qemu/qemu-command-line.ts';
import { QmpClient, runState } from '../../../packages/connector-local/src/drivers/qemu/qmp-client.ts';
import { killQemuUnder, qemuPidsUnder } from '../../peers/qemu-processes.ts';
import {
  buildTinyGuest,
  qemuMissing,
  TINY_GUEST_CMDLINE,
  TINY_GUEST_MARKER,
  TINY_GUEST_MEMORY_MIB,
  TINY_GUEST_TB_SIZE_MIB,
  type TinyGuest,
} from '../../peers/tiny-guest.ts';
import { sleep, summarize } from '../measure.ts';
import type { BenchmarkRow } from '../table.ts';
import {
  collect,
  LISTING_TARGET,
  median,
  OVERHEAD_TARGET,
  progress,
  row,
  timed,
  untilStarted,
} from './timing.ts';

const execFileAsync = promisify(execFile);

/** Guests running while the inventory is listed (issue #6). */
const GUESTS = 100;
/** Creates timed one after the other, each beside one by hand; a warm-up pair goes first. */
const TIMED_CREATES = 5;
/** The other guests boot this many at a time, untimed: a boot is CPU-bound and there are 2 cores. */
const BOOT_CONCURRENCY = 3;
/** No guest is created once less memory than this is available (each takes about 145 MB). */
const MIN_AVAILABLE_MIB = 2048;
/** Both sides look at the guest this often while it boots. */
const POLL_MS = 10;
const LISTING_ROUNDS = 20;
const STATUS_SAMPLES = 200;
/** A tiny guest is up in about 2.5 s alone; three at once on two cores take longer. */
const BOOT_TIMEOUT_MS = 120_000;

export async function localQemuBenchmarks(): Promise<BenchmarkRow[]> {
  const missing = qemuMissing();
  if (missing) throw new Error(`The local/qemu connector benchmarks need QEMU: ${missing}.`);
  const guest = await buildTinyGuest();
  const dataDir = await mkdtemp(join(tmpdir(), 'levante-bench-qemu-'));
  const qmpClients: QmpClient[] = [];
  let connector: Connector | null = null;
  const stopKillingOnSignal = killQemuOnSignal(dataDir);
  try {
    connector = await localConnectorFactory.connect({
      endpoint: null,
      credentials: { token: 'bench' },
      settings: {
        ...qemuSiteSettings(guest, 'bench'),
        qemu: { accel: TEST_ACCEL, tbSizeMiB: TINY_GUEST_TB_SIZE_MIB },
      },
      dataDir,
    });
    const site = connector;
    const byHand = new ByHand(guest, join(dataDir, 'by-hand'));
    let created = 0;
    const spec = (): CreateMachineSpec => {
      const n = ++created;
      return {
        machineId: `bench-${n}`,
        name: `bench-${n}`,
        location: 'paris',
        imageRef: 'tiny',
        configurationRef: 'tiny',
        host: { ref: n % 2 ? 'paris-a-1' : 'paris-a-2', hypervisor: 'kvm' },
        userData: null,
      };
    };
    const refs: MachineRef[] = [];
    const create = async () => {
      const availableMiB = Math.floor(freemem() / 2 ** 20);
      if (availableMiB < MIN_AVAILABLE_MIB) {
        throw new Error(
          `Only ${availableMiB} MiB of memory is available with ${refs.length} guests up; stopping.`,
        );
      }
      const machine = await site.createMachine(spec(), { idempotencyKey: `bench-${created}` });
      const ref = { ref: machine.ref, location: machine.location };
      refs.push(ref);
      return ref;
    };
    const createStarted = async (intervalMs: number) => {
      await untilStarted(site, await create(), { intervalMs, timeoutMs: BOOT_TIMEOUT_MS });
    };
    /** A create through the connector, polled as by hand, with the console watched beside it. */
    const timedCreate = async (): Promise<BootTiming> => {
      const start = performance.now();
      const ref = await create();
      const dir = join(dataDir, 'qemu', ref.ref);
      const [pid] = await qemuPidsUnder(dir);
      if (pid === undefined) throw new Error(`No QEMU runs machine ${ref.ref} after createMachine.`);
      const spawnedAt = await processStart(pid);
      const consoleLog = join(dir, 'console-1.log');
      let markerAt: number | null = null;
      for (;;) {
        if (markerAt === null && (await showsMarker(consoleLog))) markerAt = performance.now();
        const machine = await site.getMachine(ref);
        if (machine?.state === 'STARTED') break;
        if (!machine || machine.state === 'ERROR') {
          throw new Error(`Machine ${ref.ref} is ${machine?.state ?? 'gone'}: ${machine?.error ?? ''}`);
        }
        if (performance.now() - start > BOOT_TIMEOUT_MS) throw new Error(`Machine ${ref.ref} did not start.`);
        await sleep(POLL_MS);
      }
      return bootTiming(start, spawnedAt, markerAt);
    };

    progress(`${TIMED_CREATES} QEMU guests → STARTED through the connector and by hand, in turn…`);
    const started = { connector: [] as BootTiming[], byHand: [] as BootTiming[] };
    for (let i = 0; i <= TIMED_CREATES; i++) {
      const counted = i > 0;
      const pair = [
        async () => {
          const timing = await timedCreate();
          if (counted) started.connector.push(timing);
        },
        async () => {
          const timing = await byHand.bootUntilReady();
          if (counted) started.byHand.push(timing);
        },
      ];
      if (i % 2 === 1) pair.reverse();
      for (const boot of pair) await boot();
    }

    const others = GUESTS - refs.length;
    progress(`booting the other ${others} guests, ${BOOT_CONCURRENCY} at a time…`);
    const bootStart = performance.now();
    let toBoot = others;
    let booted = 0;
    const worker = async () => {
      while (toBoot > 0) {
        toBoot--;
        try {
          await createStarted(100);
        } catch (error) {
          toBoot = 0; // the other workers finish their boot and stop
          throw error;
        }
        const up = GUESTS - others + ++booted;
        if (up % 20 === 0) progress(`${up} guests up`);
      }
    };
    // allSettled: no QEMU may start after the teardown has looked for them.
    const workers = await Promise.allSettled(Array.from({ length: BOOT_CONCURRENCY }, worker));
    const failed = workers.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    progress(`${others} guests booted in ${Math.round((performance.now() - bootStart) / 1000)} s`);

    progress(`listing ${GUESTS} guests, reading their status…`);
    const listings: number[] = [];
    for (let round = -2; round < LISTING_ROUNDS; round++) {
      const { value: machines, ms } = await timed(() => collect(site.listMachines()));
      const up = machines.filter((m) => m.state === 'STARTED').length;
      if (machines.length !== GUESTS || up !== GUESTS) {
        throw new Error(`The connector lists ${machines.length} machines, ${up} STARTED, not ${GUESTS}.`);
      }
      if (round >= 0) listings.push(ms);
    }
    const reads: number[] = [];
    for (let i = -20; i < STATUS_SAMPLES; i++) {
      const { value: machine, ms } = await timed(() => site.getMachine(refs[(i + 20) % refs.length]!));
      if (machine?.state !== 'STARTED') throw new Error(`getMachine says ${machine?.state ?? 'nothing'}.`);
      if (i >= 0) reads.push(ms);
    }

    // QEMU serves one QMP client per socket and the driver holds each guest's: once the
    // connector is closed (the guests run on), QMP is asked directly on the same sockets.
    await site.close();
    connector = null;
    for (const socket of await qmpSockets(dataDir)) qmpClients.push(await QmpClient.connect(socket));
    if (qmpClients.length !== GUESTS)
      throw new Error(`Found ${qmpClients.length} QMP sockets, not ${GUESTS}.`);
    const rawListings: number[] = [];
    for (let round = -2; round < LISTING_ROUNDS; round++) {
      const { value: states, ms } = await timed(() => Promise.all(qmpClients.map(runState)));
      const running = states.filter((state) => state === 'running').length;
      if (running !== GUESTS) throw new Error(`QMP says ${running} guests run, not ${GUESTS}.`);
      if (round >= 0) rawListings.push(ms);
    }
    const rawReads: number[] = [];
    for (let i = -20; i < STATUS_SAMPLES; i++) {
      const { value: state, ms } = await timed(() => runState(qmpClients[(i + 20) % GUESTS]!));
      if (state !== 'running') throw new Error(`QMP query-status says ${state}.`);
      if (i >= 0) rawReads.push(ms);
    }

    const connectorStarted = summarize(started.connector.map((t) => t.total));
    const byHandStarted = summarize(started.byHand.map((t) => t.total));
    const outsideBoot = (timings: readonly BootTiming[]) => median(timings.map((t) => t.outsideBoot));
    const guests = `${GUESTS} tiny guests`;
    const creates = `${TIMED_CREATES} guests, one at a time`;
    return [
      row(
        `local/qemu: inventory listing, ${guests} (connector listMachines, all consumed)`,
        median(listings),
        'ms',
        LISTING_TARGET,
      ),
      row(
        `local/qemu: inventory listing, ${guests} (raw QMP query-status to each)`,
        median(rawListings),
        'ms',
      ),
      row(`local/qemu: create → STARTED p50 (connector, ${creates})`, connectorStarted.p50, 'ms'),
      row(`local/qemu: create → STARTED p99 (connector, ${creates})`, connectorStarted.p99, 'ms'),
      row(`local/qemu: qemu-img + QEMU → ready marker p50 (by hand, ${creates})`, byHandStarted.p50, 'ms'),
      row(`local/qemu: qemu-img + QEMU → ready marker p99 (by hand, ${creates})`, byHandStarted.p99, 'ms'),
      row(
        "local/qemu: Levante overhead, create → STARTED (p50 − p50 of the time outside the guest's boot)",
        outsideBoot(started.connector) - outsideBoot(started.byHand),
        'ms',
        OVERHEAD_TARGET,
      ),
      row(
        'local/qemu: Levante overhead, getMachine vs QMP query-status (p50 − p50)',
        median(reads) - median(rawReads),
        'ms',
        OVERHEAD_TARGET,
      ),
      row(
        `local/qemu: Levante overhead, listing ${guests} (median − median)`,
        median(listings) - median(rawListings),
        'ms',
        OVERHEAD_TARGET,
      ),
    ];
  } finally {
    for (const client of qmpClients) client.close();
    await connector?.close();
    // Every QEMU of this benchmark, the connector's and those by hand, names a path under dataDir.
    await killQemuUnder(dataDir);
    stopKillingOnSignal();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * Until the returned function is called, SIGINT or SIGTERM first kills (by
 * PID) every QEMU whose command line names a path under `dir` and removes
 * `dir`, then is raised again: the driver's QEMUs are detached and would
 * outlive the benchmark.
 */
function killQemuOnSignal(dir: string): () => void {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const stop = () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    stop();
    for (const pid of qemuPidsUnderSync(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
    process.kill(process.pid, signal);
  }
  for (const signal of signals) process.on(signal, onSignal);
  return stop;
}

/** qemuPidsUnder (test/peers/qemu-processes.ts), synchronous for a signal handler. */
function qemuPidsUnderSync(dir: string): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) return [];
    let words: string[];
    try {
      words = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      return [];
    }
    return words[0]?.includes('qemu-system') && words.some((word) => word.includes(dir)) ? [pid] : [];
  });
}

/** One create → STARTED, in milliseconds. */
interface BootTiming {
  readonly total: number;
  /**
   * What is not the guest booting (its QEMU process start to the ready marker
   * on its console): the work before QEMU starts and the time until STARTED is
   * seen once the marker is there. Boots vary by hundreds of ms under TCG;
   * this part is what Levante can add to, and it hardly varies.
   */
  readonly outsideBoot: number;
}

function bootTiming(start: number, spawnedAt: number, markerAt: number | null): BootTiming {
  const end = performance.now();
  const total = end - start;
  return { total, outsideBoot: total - ((markerAt ?? end) - spawnedAt) };
}

const showsMarker = async (consoleLog: string): Promise<boolean> =>
  (await readFile(consoleLog, 'latin1').catch(() => '')).includes(TINY_GUEST_MARKER);

/** Linux reports process start times in clock ticks of 1/USER_HZ s, and USER_HZ is 100. */
const USER_HZ = 100;

/**
 * When process `pid` started, on performance.now()'s clock (to the 10 ms of
 * a clock tick): /proc/<pid>/stat gives it in ticks since boot, /proc/uptime
 * the time since boot now. The same conversion for both sides of a
 * comparison, so its error cancels out of their difference.
 */
async function processStart(pid: number): Promise<number> {
  const [stat, uptime] = await Promise.all([
    readFile(`/proc/${pid}/stat`, 'utf8'),
    readFile('/proc/uptime', 'utf8'),
  ]);
  const now = performance.now();
  // The fields after the command name in parentheses; starttime is the 22nd field of the line.
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const sinceBoot = Number(uptime.split(' ')[0]) * 1000;
  if (!Number.isFinite(ticks) || !Number.isFinite(sinceBoot)) {
    throw new Error(`Cannot read when process ${pid} started from /proc.`);
  }
  return now - (sinceBoot - (ticks * 1000) / USER_HZ);
}

/** The QMP socket of each machine's current QEMU, under the driver's `<dataDir>/qemu/<ref>/`. */
async function qmpSockets(dataDir: string): Promise<string[]> {
  const root = join(dataDir, 'qemu');
  const sockets: string[] = [];
  for (const ref of await readdir(root)) {
    const names = (await readdir(join(root, ref))).filter((name) => /^qmp-\d+\.sock$/.test(name));
    const current = names.sort((a, b) => Number(/\d+/.exec(b)![0]) - Number(/\d+/.exec(a)![0]))[0];
    if (current) sockets.push(join(root, ref, current));
  }
  return sockets;
}

/**
 * The tiny guest booted as an operator would without Levante: an overlay of
 * the image's disk, then QEMU with the driver's command line (as qemuArgs builds it), then
 * the serial console watched for the ready marker. Each guest is killed (by
 * PID) once it is up; only the time to get there counts.
 */
class ByHand {
  readonly #guest: TinyGuest;
  readonly #root: string;
  readonly #accel = chooseAccel(TEST_ACCEL);
  #booted = 0;

  constructor(guest: TinyGuest, root: string) {
    this.#guest = guest;
    this.#root = root;
  }

  async bootUntilReady(): Promise<BootTiming> {
    const start = performance.now();
    const dir = join(this.#root, String(++this.#booted));
    await mkdir(dir, { recursive: true });
    const disk = join(dir, 'disk.qcow2');
    const consoleLog = join(dir, 'console.log');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', this.#guest.disk, '-F', 'qcow2', disk]);
    const child = spawn(
      'qemu-system-x86_64',
      [
        '-name',
        `by-hand-${this.#booted},debug-threads=off`,
        '-machine',
        'q35',
        '-accel',
        this.#accel === 'tcg' ? `tcg,tb-size=${TINY_GUEST_TB_SIZE_MIB}` : this.#accel,
        ...(this.#accel === 'kvm' ? ['-cpu', 'host'] : []),
        '-m',
        String(TINY_GUEST_MEMORY_MIB),
        '-smp',
        '1',
        '-nodefaults',
        '-no-user-config',
        '-display',
        'none',
        '-no-shutdown',
        '-chardev',
        `file,id=console,path=${consoleLog}`,
        '-serial',
        'chardev:console',
        '-qmp',
        `unix:${join(dir, 'qmp.sock')},server=on,wait=off`,
        '-kernel',
        this.#guest.kernel,
        '-append',
        TINY_GUEST_CMDLINE,
        '-initrd',
        this.#guest.initrd,
        '-drive',
        `file=${disk},format=qcow2,if=virtio`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    let failed: Error | null = null;
    child.once('error', (error) => {
      failed = error;
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      if (child.pid === undefined) throw new Error(`QEMU by hand did not start: ${failed ?? stderr.trim()}`);
      const spawnedAt = await processStart(child.pid);
      for (;;) {
        if (failed || child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`QEMU by hand ended before its guest was up: ${failed ?? stderr.trim()}`);
        }
        if (await showsMarker(consoleLog)) return bootTiming(start, spawnedAt, performance.now());
        if (performance.now() - start > BOOT_TIMEOUT_MS) {
          throw new Error('The guest booted by hand did not come up.');
        }
        await sleep(POLL_MS);
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
    }
  }
}

async function run(command: string, args: readonly string[]): Promise<void> {
  try {
    await execFileAsync(command, args, { timeout: 60_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr?.trim() || String(error)}`);
  }
}
