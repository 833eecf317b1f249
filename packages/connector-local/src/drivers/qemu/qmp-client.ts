import { createConnection, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** An asynchronous event QEMU sent (STOP, RESUME, SHUTDOWN, RESET, MIGRATION…). */
export interface QmpEvent {
  readonly event: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** QEMU refused a command: `qmpClass` is its error class (GenericError, CommandNotFound…). */
export class QmpError extends Error {
  readonly qmpClass: string;

  constructor(qmpClass: string, description: string) {
    super(description);
    this.name = 'QmpError';
    this.qmpClass = qmpClass;
  }
}

/** The connection ended (QEMU exited) before the answer came. */
export class QmpClosedError extends Error {
  constructor(what: string) {
    super(`The QMP connection closed before ${what}.`);
    this.name = 'QmpClosedError';
  }
}

interface Pending {
  readonly command: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface QmpConnectOptions {
  /** Keeps retrying a socket that is not there yet (QEMU still starting) this long. */
  readonly timeoutMs?: number;
  /** Gives up early, e.g. when the QEMU process exits. */
  readonly signal?: AbortSignal;
}

/**
 * A QEMU Machine Protocol client over a unix socket: it waits for the
 * greeting, negotiates capabilities, then sends commands with ids (answers
 * may come in any order) and hands events to listeners. QEMU serves one
 * client per QMP socket, so a driver keeps one client per process.
 */
export class QmpClient {
  readonly #socket: Socket;
  readonly #pending = new Map<string, Pending>();
  readonly #listeners = new Set<(event: QmpEvent) => void>();
  #buffer = '';
  #nextId = 1;
  #open = true;
  #greeted: ((ok: boolean) => void) | null = null;
  /** Resolves when the connection ends, for whatever reason. */
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.#receive(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#open = false;
        this.#greeted?.(false);
        for (const [id, pending] of this.#pending) {
          clearTimeout(pending.timer);
          pending.reject(new QmpClosedError(`QEMU answered ${pending.command}`));
          this.#pending.delete(id);
        }
        resolve();
      });
    });
  }

  /** Connects to `path`, retrying while QEMU has not created it yet, and negotiates capabilities. */
  static async connect(path: string, options: QmpConnectOptions = {}): Promise<QmpClient> {
    const deadline = Date.now() + (options.timeoutMs ?? 5_000);
    for (;;) {
      options.signal?.throwIfAborted();
      const socket = await openSocket(path).catch((error: NodeJS.ErrnoException) => {
        const retry = error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || error.code === 'EAGAIN';
        if (!retry || Date.now() > deadline) throw error;
        return null;
      });
      if (socket) {
        const client = new QmpClient(socket);
        await client.#handshake(Math.max(1_000, deadline - Date.now()));
        return client;
      }
      await sleep(25);
    }
  }

  get open(): boolean {
    return this.#open;
  }

  /** Runs a command and returns its `return` value; throws QmpError when QEMU refuses it. */
  execute(command: string, args?: Readonly<Record<string, unknown>>, timeoutMs = 10_000): Promise<unknown> {
    if (!this.#open) return Promise.reject(new QmpClosedError(`${command} was sent`));
    const id = `levante-${this.#nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`QEMU did not answer ${command} within ${timeoutMs} ms.`));
      }, timeoutMs);
      this.#pending.set(id, { command, resolve, reject, timer });
      this.#socket.write(
        `${JSON.stringify(args ? { execute: command, arguments: args, id } : { execute: command, id })}\n`,
      );
    });
  }

  /** Calls `listener` with every event; returns the function that stops it. */
  onEvent(listener: (event: QmpEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#socket.destroy();
  }

  async #handshake(timeoutMs: number): Promise<void> {
    const greeted = new Promise<boolean>((resolve) => {
      this.#greeted = resolve;
    });
    const timer = setTimeout(() => this.#greeted?.(false), timeoutMs);
    const ok = await greeted;
    clearTimeout(timer);
    if (!ok) {
      this.close();
      throw new QmpClosedError('its greeting');
    }
    await this.execute('qmp_capabilities');
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    for (let end = this.#buffer.indexOf('\n'); end >= 0; end = this.#buffer.indexOf('\n')) {
      const line = this.#buffer.slice(0, end).trim();
      this.#buffer = this.#buffer.slice(end + 1);
      if (line) this.#dispatch(line);
    }
  }

  #dispatch(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (!isRecord(message)) return;
    if ('QMP' in message) {
      this.#greeted?.(true);
      this.#greeted = null;
      return;
    }
    if (typeof message.event === 'string') {
      const event: QmpEvent = { event: message.event, data: isRecord(message.data) ? message.data : {} };
      for (const listener of this.#listeners) listener(event);
      return;
    }
    const id = typeof message.id === 'string' ? message.id : null;
    const pending = id === null ? undefined : this.#pending.get(id);
    if (!pending || id === null) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (isRecord(message.error)) {
      const qmpClass = typeof message.error.class === 'string' ? message.error.class : 'GenericError';
      const description = typeof message.error.desc === 'string' ? message.error.desc : 'no description';
      pending.reject(new QmpError(qmpClass, `${pending.command}: ${description}`));
    } else {
      pending.resolve(message.return);
    }
  }
}

function openSocket(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** `query-status`'s run state ('running', 'paused', 'inmigrate', 'postmigrate', 'shutdown'…). */
export async function runState(qmp: QmpClient): Promise<string> {
  const answer = await qmp.execute('query-status');
  return isRecord(answer) && typeof answer.status === 'string' ? answer.status : 'unknown';
}

/** `query-migrate`'s status ('active', 'completed', 'failed'…) and QEMU's reason when it failed. */
export async function migrationStatus(qmp: QmpClient): Promise<{ status: string; error: string | null }> {
  const answer = await qmp.execute('query-migrate');
  if (!isRecord(answer)) return { status: 'none', error: null };
  return {
    status: typeof answer.status === 'string' ? answer.status : 'none',
    error: typeof answer['error-desc'] === 'string' ? answer['error-desc'] : null,
  };
}
