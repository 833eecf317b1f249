import type { LevanteEvent } from '@levante/domain';
import type { RedisClient } from '../redis/connect-redis.ts';
import { ChannelEventBus } from './event-bus.ts';
import { RedisChannel } from './redis-channel.ts';

/**
 * The event bus of several processes (API replicas, `levante worker`s): each
 * publishes the events it committed on its installation's Redis channel, and
 * every process's listeners, its own included, hear them from there, so all
 * of them see one order. Redis keeps nothing: events are already stored, and
 * a subscriber that was away meanwhile reads them from the activity log.
 */
export class RedisEventBus extends ChannelEventBus {
  /** On two connected clients (a subscribing one can send nothing else); whoever connected them closes them. */
  static async open(
    publisher: RedisClient,
    subscriber: RedisClient,
    channel: string,
    onError: (error: unknown) => void,
  ): Promise<RedisEventBus> {
    return new RedisEventBus(
      await RedisChannel.open(publisher, subscriber, channel, decodeEvents, onError),
      onError,
    );
  }
}

function decodeEvents(text: string): LevanteEvent[] {
  return (JSON.parse(text) as (Omit<LevanteEvent, 'at'> & { at: string })[]).map((event) => ({
    ...event,
    at: new Date(event.at),
  }));
}
