import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  migrationStatus,
  QmpClient,
  QmpClosedError,
  QmpError,
  type QmpEvent,
  runState,
} from '../drivers/qemu/qmp-client.ts';

type Message = { execute: string; id?: string; arguments?: Record<string, unknown> };

/** A QMP server as QEMU speaks it: a greeting, then one JSON object a line. */
function fakeQemu(path: string, answer: (message: Message, socket: Socket) => void): Promise<Server> {
  const server = createServer((socket) => {
    socket.write(`${JSON.stringify({ QMP: { version: { qemu: { major: 7 } }, capabilities: [] } })}\r\n`);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const message = JSON.parse(buffer.slice(0, end)) as Message;
        buffer = buffer.slice(end + 1);
        if (message.execute === 'qmp_capabilities')
          socket.write(`${JSON.stringify({ return: {}, id: message.id })}\r\n`);
        else answer(message, socket);
      }
    });
  });
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

const reply = (socket: Socket, body: object) => socket.write(`${JSON.stringify(body)}\r\n`);

describe('QmpClient', () => {
  let dir: string;
  let server: Server | null = null;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'levante-qmp-'));
  });
  afterEach(async () => {
    server?.close();
    server = null;
    await rm(dir, { recursive: true, force: true });
  });

  it('negotiates, matches answers to commands by id even out of order, and hands on events', async () => {
    const path = join(dir, 'q.sock');
    const held: [Message, Socket][] = [];
    server = await fakeQemu(path, (message, socket) => {
      held.push([message, socket]);
      if (held.length < 2) return;
      // Answer the second command first, with an event in between.
      for (const [m, s] of held.reverse()) {
        reply(s, { return: { status: m.execute === 'query-status' ? 'running' : 'none' }, id: m.id });
        reply(s, { event: 'STOP', data: {}, timestamp: { seconds: 1, microseconds: 0 } });
      }
    });
    const client = await QmpClient.connect(path);
    const events: QmpEvent[] = [];
    client.onEvent((event) => events.push(event));
    const [state, migration] = await Promise.all([runState(client), migrationStatus(client)]);
    expect(state).toBe('running');
    expect(migration).toEqual({ status: 'none', error: null });
    expect(events.map((e) => e.event)).toEqual(['STOP', 'STOP']);
    client.close();
  });

  it('turns a refusal into a QmpError with its class', async () => {
    const path = join(dir, 'q.sock');
    server = await fakeQemu(path, (message, socket) =>
      reply(socket, {
        error: { class: 'CommandNotFound', desc: 'The command nope has not been found' },
        id: message.id,
      }),
    );
    const client = await QmpClient.connect(path);
    const error = await client.execute('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QmpError);
    expect(error).toMatchObject({
      qmpClass: 'CommandNotFound',
      message: 'nope: The command nope has not been found',
    });
    client.close();
  });

  it('rejects what is pending when QEMU goes away', async () => {
    const path = join(dir, 'q.sock');
    server = await fakeQemu(path, (_message, socket) => socket.destroy());
    const client = await QmpClient.connect(path);
    await expect(client.execute('quit')).rejects.toBeInstanceOf(QmpClosedError);
    await client.closed;
    expect(client.open).toBe(false);
    await expect(client.execute('query-status')).rejects.toBeInstanceOf(QmpClosedError);
  });

  it('waits for a socket QEMU has not created yet, and gives up after its timeout', async () => {
    const path = join(dir, 'late.sock');
    const connecting = QmpClient.connect(path, { timeoutMs: 3_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    server = await fakeQemu(path, () => {});
    (await connecting).close();
    await expect(QmpClient.connect(join(dir, 'never.sock'), { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
