import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '@levante/connector-api';
import { type IncarnationFiles, opt } from './qemu-command-line.ts';
import { QmpClient } from './qmp-client.ts';

/** Whether a process with this PID exists (EPERM: it does, but is someone else's). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is still the QEMU serving `qmpSocket`, and not another process
 * that was given the PID after it ended. Without /proc, liveness has to do.
 */
export function runsQemu(pid: number, qmpSocket: string): boolean {
  if (!existsSync('/proc/self/cmdline')) return pidAlive(pid);
  try {
    const words = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return words.some((word) => word.startsWith(`unix:${opt(qmpSocket)},`));
  } catch {
    return false;
  }
}

async function waitGone(pid: number, stopWatching: () => boolean): Promise<void> {
  while (!stopWatching() && pidAlive(pid)) await sleep(20);
}

/** The last lines QEMU wrote to its stderr log, for error messages. */
export async function stderrTail(path: string, lines = 3): Promise<string> {
  try {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      const length = Math.min(size, 2_048);
      const buffer = Buffer.alloc(length);
      await file.read(buffer, 0, length, size - length);
      const text = buffer.toString('utf8').split('\n').filter(Boolean).slice(-lines).join(' / ');
      return text || 'it said nothing';
    } finally {
      await file.close();
    }
  } catch {
    return 'it said nothing';
  }
}

/**
 * One QEMU process and its QMP connection. Processes run detached from
 * Levante (their own process group): they go on when Levante stops, as real
 * VMs do, and a restarted Levante attaches to them again by PID and socket.
 */
export class QemuProcess {
  readonly pid: number;
  readonly incarnation: number;
  readonly files: IncarnationFiles;
  readonly qmp: QmpClient;
  /** Resolves once the process has ended, or once Levante stopped watching it (see `detached`). */
  readonly exited: Promise<void>;
  #gone = false;
  #detached = false;

  private constructor(
    pid: number,
    incarnation: number,
    files: IncarnationFiles,
    qmp: QmpClient,
    watch: (stopWatching: () => boolean) => Promise<void>,
  ) {
    this.pid = pid;
    this.incarnation = incarnation;
    this.files = files;
    this.qmp = qmp;
    this.exited = watch(() => this.#detached).then(() => {
      if (!this.#detached) this.#gone = true;
      qmp.close();
    });
  }

  get alive(): boolean {
    return !this.#gone && !this.#detached;
  }

  /** True once Levante let go of the process (it runs on without being watched). */
  get detached(): boolean {
    return this.#detached;
  }

  /** Lets go of the process without stopping it: the QMP socket is free for the next Levante. */
  detach(): void {
    this.#detached = true;
    this.qmp.close();
  }

  /** Starts QEMU and connects to its QMP socket; throws ProviderUnavailable when it does not come up. */
  static async spawn(
    binary: string,
    args: readonly string[],
    files: IncarnationFiles,
    incarnation: number,
    timeoutMs = 10_000,
  ): Promise<QemuProcess> {
    const stderr = openSync(files.stderrLog, 'a', 0o600);
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(binary, args, { detached: true, stdio: ['ignore', 'ignore', stderr] });
    } finally {
      closeSync(stderr);
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const started = await new Promise<Error | null>((resolve) => {
      child.once('spawn', () => resolve(null));
      child.once('error', resolve);
    });
    if (started || child.pid === undefined) {
      throw new ConnectorError(
        'ProviderUnavailable',
        `The qemu driver cannot run ${binary}: ${started?.message ?? 'no process'}. Install QEMU or set qemu.binary.`,
      );
    }
    const pid = child.pid;
    child.unref();
    const ended = new AbortController();
    void exited.then(() => ended.abort());
    try {
      const qmp = await QmpClient.connect(files.qmpSocket, { timeoutMs, signal: ended.signal });
      return new QemuProcess(pid, incarnation, files, qmp, () => exited);
    } catch (cause) {
      if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
      await Promise.race([exited, sleep(5_000)]);
      throw new ConnectorError(
        'ProviderUnavailable',
        `QEMU did not start (${await stderrTail(files.stderrLog)}).`,
        { cause },
      );
    }
  }

  /**
   * Attaches to a QEMU started earlier (by this or another Levante); null when
   * it is gone. Throws when it runs but its QMP socket does not answer (QEMU
   * serves one client: another Levante may hold it), rather than take a running guest for dead.
   */
  static async attach(
    pid: number,
    incarnation: number,
    files: IncarnationFiles,
  ): Promise<QemuProcess | null> {
    if (!runsQemu(pid, files.qmpSocket)) return null;
    let qmp: QmpClient;
    try {
      qmp = await QmpClient.connect(files.qmpSocket, { timeoutMs: 3_000 });
    } catch (cause) {
      if (!runsQemu(pid, files.qmpSocket)) return null;
      throw new ConnectorError(
        'ProviderUnavailable',
        `QEMU (pid ${pid}) runs but does not answer on ${files.qmpSocket}; is another Levante attached to it?`,
        { cause },
      );
    }
    return new QemuProcess(pid, incarnation, files, qmp, (stopWatching) =>
      qmp.closed.then(() => waitGone(pid, stopWatching)),
    );
  }

  /** Asks QEMU to quit, and kills it when it has not within `timeoutMs`. */
  async quit(timeoutMs = 5_000): Promise<void> {
    if (!this.alive) return;
    void this.qmp.execute('quit').catch(() => {});
    const quitted = await Promise.race([this.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!quitted) await this.kill();
  }

  /** Ends the process at once (SIGKILL by PID). */
  async kill(): Promise<void> {
    if (!this.alive) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await Promise.race([this.exited, sleep(5_000)]);
  }
}
