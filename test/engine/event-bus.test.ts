import { randomBytes } from 'node:crypto';
import type { LevanteEvent } from '@levante/domain';
import {
  connectRedis,
  type EventBus,
  InProcessEventBus,
  RedisEventBus,
  redisNamespaceFor,
} from '@levante/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/graphql-client.ts';
import { TEST_REDIS_URL } from '../support/redis.ts';

const opened: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((close) => close()));
});

/** A channel of its own per test, as another installation's would be. */
const newChannel = () => `${redisNamespaceFor(randomBytes(32))}:events`;

/** A bus as a process of an installation opens it: two connections of its own. */
async function redisBus(channel: string, errors: unknown[] = []): Promise<RedisEventBus> {
  const onError = (e: unknown) => errors.push(e);
  const [publisher, subscriber] = await Promise.all([
    connectRedis(TEST_REDIS_URL, onError),
    connectRedis(TEST_REDIS_URL, onError),
  ]);
  const bus = await RedisEventBus.open(publisher, subscriber, channel, onError);
  opened.push(async () => {
    await bus.close();
    await Promise.all([publisher.close(), subscriber.close()]);
  });
  return bus;
}

function event(id: number, projectId: string | null = 'p-1'): LevanteEvent {
  return {
    id,
    at: new Date(Date.UTC(2026, 10, 25, 8, 0, id)),
    type: 'machine.state_changed',
    actorId: null,
    actorName: null,
    projectId,
    subjectType: 'Machine',
    subjectId: `m-${id}`,
    summary: `event ${id}`,
    before: { state: 'CREATING' },
    after: { state: 'STARTED', addresses: ['10.0.0.1'] },
  };
}

function listen(bus: EventBus): LevanteEvent[] {
  const heard: LevanteEvent[] = [];
  bus.subscribe((e) => heard.push(e));
  return heard;
}

const KINDS: Record<string, (errors: unknown[]) => Promise<EventBus>> = {
  'in-process': async (errors) => new InProcessEventBus((e) => errors.push(e)),
  Redis: (errors) => redisBus(newChannel(), errors),
};

describe.each(Object.keys(KINDS))('the %s event bus', (kind) => {
  it('gives every listener every event published, in order and as it was published', async () => {
    const bus = await KINDS[kind]!([]);
    const [first, second] = [listen(bus), listen(bus)];
    await bus.publish([event(1), event(2)]);
    await bus.publish([event(3, null)]);
    await eventually(() => first.length === 3 && second.length === 3, 'three events');
    expect(first).toEqual([event(1), event(2), event(3, null)]);
    expect(second).toEqual(first);
    expect(first[0]!.at).toBeInstanceOf(Date);
  });

  it('stops giving events to a listener that left, and a failing listener keeps no other from its events', async () => {
    const errors: unknown[] = [];
    const bus = await KINDS[kind]!(errors);
    const left: LevanteEvent[] = [];
    const leave = bus.subscribe((e) => left.push(e));
    bus.subscribe(() => {
      throw new Error('listener broke');
    });
    const stayed = listen(bus);
    await bus.publish([event(1)]);
    await eventually(() => stayed.length === 1, 'the first event');
    leave();
    await bus.publish([event(2)]);
    await eventually(() => stayed.length === 2, 'the second event');
    expect(left.map((e) => e.id)).toEqual([1]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['listener broke', 'listener broke']);
  });

  it('gives events again to a listener that came after every other had left', async () => {
    const bus = await KINDS[kind]!([]);
    const leave = bus.subscribe(() => {});
    leave();
    const late = listen(bus);
    await bus.publish([event(1)]);
    await eventually(() => late.length === 1, 'the event published after it came');
    expect(late).toEqual([event(1)]);
  });
});

describe('the Redis event bus', () => {
  it("carries events between the processes of one installation, and never to another installation's", async () => {
    const channel = newChannel();
    const [api, worker, other] = await Promise.all([
      redisBus(channel),
      redisBus(channel),
      redisBus(newChannel()),
    ]);
    const [heardByApi, heardByWorker, heardByOther] = [listen(api), listen(worker), listen(other)];
    await worker.publish([event(1)]);
    await other.publish([event(99, 'p-other')]);
    await eventually(() => heardByApi.length === 1 && heardByOther.length === 1, 'the events');
    // Published after the worker's event on the same server: once it arrives, the first would have.
    await worker.publish([event(2)]);
    await eventually(() => heardByApi.length === 2, 'the second event');
    expect(heardByApi.map((e) => e.id)).toEqual([1, 2]);
    expect(heardByWorker.map((e) => e.id)).toEqual([1, 2]);
    expect(heardByOther.map((e) => e.id)).toEqual([99]);
  });

  it('hears events again after its subscribing connection was lost', async () => {
    const channel = newChannel();
    const onError = () => {};
    const [publisher, subscriber, admin] = await Promise.all(
      [0, 1, 2].map(() => connectRedis(TEST_REDIS_URL, onError)),
    );
    const subscriberId = await subscriber!.clientId();
    let reconnections = 0;
    subscriber!.on('reconnecting', () => reconnections++);
    const bus = await RedisEventBus.open(publisher!, subscriber!, channel, onError);
    opened.push(async () => {
      await bus.close();
      await Promise.all([publisher!.close(), subscriber!.close(), admin!.close()]);
    });
    const heard = listen(bus);
    await bus.publish([event(1)]);
    await eventually(() => heard.length === 1, 'the first event');
    // Redis drops the connection, as a restart or a network cut would.
    await admin!.sendCommand(['CLIENT', 'KILL', 'ID', String(subscriberId)]);
    // Published until one arrives: those sent before the subscription is back are lost, as with any pub/sub.
    await eventually(
      () => {
        void bus.publish([event(2)]).catch(() => {});
        return heard.some((e) => e.id === 2);
      },
      'an event after the reconnection',
      10_000,
    );
    expect(reconnections).toBeGreaterThan(0);
  });

  it('names its channels after the master key without showing the key', () => {
    const key = randomBytes(32);
    const namespace = redisNamespaceFor(key);
    expect(redisNamespaceFor(Buffer.from(key))).toBe(namespace);
    expect(redisNamespaceFor(randomBytes(32))).not.toBe(namespace);
    expect(namespace).toMatch(/^levante:[0-9a-f]{32}$/);
    expect(namespace).not.toContain(key.toString('hex').slice(0, 8));
  });

  it('refuses to start when Redis cannot be reached, and says which Redis', async () => {
    await expect(connectRedis('redis://127.0.0.1:1', () => {})).rejects.toThrow(
      /^Redis at redis:\/\/127\.0\.0\.1:1\S* cannot be reached/,
    );
  });
});
