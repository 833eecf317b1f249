import {
  type Channel,
  connectRedis,
  type EventBus,
  type HostNews,
  InProcessEventBus,
  LocalChannel,
  type LoginThrottle,
  MemoryLoginThrottle,
  RedisChannel,
  RedisEventBus,
  RedisLoginThrottle,
  redisNamespaceFor,
} from '@levante/engine';
import type { Logger } from 'pino';
import type { LevanteConfig } from '../config.ts';

/** What the processes of one installation (API servers, workers) share. */
export interface SharedServices {
  readonly bus: EventBus;
  /** What each process's host indexes tell the others'. */
  readonly hostNews: Channel<HostNews>;
  readonly loginThrottle: LoginThrottle;
  close(): Promise<void>;
}

/**
 * With REDIS_URL, Redis carries events and host index news to every process
 * and counts failed logins for all of them; without it, all of it stays in
 * this process, which is all the embedded default has. The master key names the installation's
 * channel and keys.
 */
export async function sharedServicesFor(
  config: LevanteConfig,
  masterKey: Buffer,
  logger: Logger,
): Promise<SharedServices> {
  const onError = (error: unknown) => logger.error({ err: error }, 'Redis or an event listener failed');
  if (!config.redisUrl) {
    const bus = new InProcessEventBus(onError);
    const hostNews = new LocalChannel<HostNews>(onError);
    return {
      bus,
      hostNews,
      loginThrottle: new MemoryLoginThrottle(),
      close: async () => {
        await Promise.all([bus.close(), hostNews.close()]);
      },
    };
  }
  const namespace = redisNamespaceFor(masterKey);
  // A subscribing connection can send nothing else: commands and publishes go through the other.
  const publisher = await connectRedis(config.redisUrl, onError);
  const subscriber = await connectRedis(config.redisUrl, onError).catch(async (error: unknown) => {
    await publisher.close();
    throw error;
  });
  const bus = await RedisEventBus.open(publisher, subscriber, `${namespace}:events`, onError);
  const hostNews = await RedisChannel.open(
    publisher,
    subscriber,
    `${namespace}:hosts`,
    (text) => JSON.parse(text) as HostNews,
    onError,
  );
  return {
    bus,
    hostNews,
    loginThrottle: new RedisLoginThrottle(publisher, namespace, onError),
    close: async () => {
      await Promise.all([bus.close(), hostNews.close()]);
      await Promise.allSettled([subscriber.close(), publisher.close()]);
    },
  };
}
