import { connect, type Socket } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * One keep-alive HTTP/1.1 connection that POSTs GraphQL operations, one at a
 * time, and checks each answer (status 200, data, no errors). It is the load
 * generator's client: it writes each request as one buffer and reads only the
 * status line and Content-Length, so it costs a fraction of `node:http`'s CPU.
 * That matters because the load generator shares this machine's cores with the
 * server and the database it measures.
 */
export class LoadConnection {
  readonly #head: string;
  #socket: Socket | null = null;
  #received: Buffer = Buffer.alloc(0);
  #pending: Pending | null = null;

  constructor(
    private readonly url: URL,
    token: string | null,
  ) {
    this.#head =
      `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
      (token ? `Authorization: Bearer ${token}\r\n` : '');
  }

  /** Sends `body` (a JSON GraphQL request) and resolves once a successful answer has been read. */
  post(body: string): Promise<void> {
    if (this.#pending) return Promise.reject(new Error('A request is already in flight on this connection.'));
    return new Promise<void>((resolve, reject) => {
      this.#pending = { resolve, reject };
      this.#connected().write(`${this.#head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = null;
  }

  #connected(): Socket {
    if (this.#socket) return this.#socket;
    const socket = connect(Number(this.url.port), this.url.hostname);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', (error) => this.#settle(error));
    socket.on('close', () => {
      if (this.#socket === socket) this.#socket = null;
      this.#settle(new Error('The server closed the connection.'));
    });
    this.#socket = socket;
    this.#received = Buffer.alloc(0);
    return socket;
  }

  #read(chunk: Buffer): void {
    this.#received = this.#received.length === 0 ? chunk : Buffer.concat([this.#received, chunk]);
    const headerEnd = this.#received.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.#received.subarray(0, headerEnd).toString('latin1');
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.#settle(new Error(`The answer has no Content-Length: ${head.slice(0, 200)}`));
      this.close();
      return;
    }
    const bodyEnd = headerEnd + HEADER_END.length + Number(length[1]);
    if (this.#received.length < bodyEnd) return;
    const body = this.#received.subarray(headerEnd + HEADER_END.length, bodyEnd).toString('utf8');
    this.#received = this.#received.subarray(bodyEnd);
    const status = Number(head.slice(9, 12));
    this.#settle(answerError(status, body));
  }

  #settle(error: Error | null): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    if (error) pending.reject(error);
    else pending.resolve();
  }
}

function answerError(status: number, body: string): Error | null {
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown[] };
    if (status === 200 && !parsed.errors?.length && parsed.data) return null;
  } catch {
    // Reported below with the text.
  }
  return new Error(`GraphQL request failed (HTTP ${status}): ${body.slice(0, 500)}`);
}
