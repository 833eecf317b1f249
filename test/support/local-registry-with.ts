import { type Connector, ConnectorRegistry } from '@levante/connector-api';
import { localConnectorFactory } from '@levante/connector-local';

/**
 * A registry whose `local` connector is the real one with some methods
 * replaced; `replace` gets the real connection, to call through to it.
 */
export function localRegistryWith(replace: (real: Connector) => Partial<Connector>): ConnectorRegistry {
  return new ConnectorRegistry().register('local', async () => ({
    ...localConnectorFactory,
    connect: async (context) => {
      const real = await localConnectorFactory.connect(context);
      const replaced = replace(real);
      return new Proxy(real, {
        get(target, property) {
          if (property in replaced) return replaced[property as keyof Connector];
          const value = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  }));
}

/**
 * An answer that never comes: the worker making the call "died" there. It
 * ends only when that worker is stopped, even if it was stopped already.
 */
export function untilStopped(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (signal?.aborted) reject(signal.reason);
    else signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
