import { type EventBus, eventChannelFor, InProcessEventBus, RedisEventBus } from '@levante/engine';
import type { Logger } from 'pino';
import type { LevanteConfig } from '../config.ts';
import { loadMasterKey } from './master-key.ts';

/** Redis when REDIS_URL is set, so that every process of the installation hears every event; else this process only. */
export async function eventBusFor(config: LevanteConfig, logger: Logger): Promise<EventBus> {
  const onError = (error: unknown) => logger.error({ err: error }, 'event bus error');
  if (!config.redisUrl) return new InProcessEventBus(onError);
  return RedisEventBus.connect({
    url: config.redisUrl,
    channel: eventChannelFor(loadMasterKey(config.home, config.masterKey)),
    onError,
  });
}
