import { createHash } from 'node:crypto';
import { redactedUrl } from '@levante/domain';
import { createClient } from '@redis/client';

export type RedisClient = ReturnType<typeof newClient>;

/** How long the first connection may take before Levante refuses to start. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Longest pause between reconnection attempts once Redis was reached. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * A connected client, or an error naming the URL when Redis cannot be
 * reached: a misconfigured Redis stops the start instead of retrying for
 * ever. Once connected, a lost connection is retried with backoff.
 */
export async function connectRedis(url: string, onError: (error: unknown) => void): Promise<RedisClient> {
  let reached = false;
  const client = newClient(url, () => reached);
  client.on('error', (error: unknown) => reached && onError(error));
  try {
    await client.connect();
  } catch (error) {
    client.destroy();
    throw unreachable(url, error);
  }
  reached = true;
  return client;
}

function newClient(url: string, reached: () => boolean) {
  return createClient({
    url,
    // A command while Redis is away fails at once instead of holding up the request that sent it.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries, cause) =>
        reached() ? Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS) : unreachable(url, cause),
    },
  });
}

/**
 * The prefix of an installation's keys and channels: derived from its master
 * key, which every process of it must share anyway (to read provider
 * credentials) and no other installation has. Hashed, so the name tells
 * nothing of the key. Another installation on the same Redis never hears its
 * events (they carry project data, and event ids of two databases collide)
 * nor counts its failed logins.
 */
export function redisNamespaceFor(masterKey: Buffer): string {
  const digest = createHash('sha256').update('levante redis namespace\0').update(masterKey).digest('hex');
  return `levante:${digest.slice(0, 32)}`;
}

function unreachable(url: string, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(
    `Redis at ${redactedUrl(url, 'the configured URL')} cannot be reached: ${reason || 'connection failed'}`,
  );
}
