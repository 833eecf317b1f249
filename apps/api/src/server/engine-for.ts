import type { DatabaseHandle } from '@levante/db';
import { createEngine, type Engine, type WorkerOptions } from '@levante/engine';
import type { Logger } from 'pino';
import type { LevanteConfig } from '../config.ts';
import { createConnectorRegistry } from './connector-registry.ts';
import { loadMasterKey } from './master-key.ts';
import type { SharedServices } from './shared-services.ts';

/** The engine as every entry point (server, CLI) builds it from the configuration. */
export function engineFor(
  config: LevanteConfig,
  database: DatabaseHandle,
  logger: Logger,
  shared: Pick<SharedServices, 'bus' | 'loginThrottle'>,
  options: { worker?: Partial<WorkerOptions> } = {},
): Engine {
  return createEngine({
    db: database.db,
    bus: shared.bus,
    loginThrottle: shared.loginThrottle,
    logger,
    registry: createConnectorRegistry(),
    masterKey: loadMasterKey(config.home, config.masterKey),
    dataDir: config.home,
    ...(options.worker ? { worker: options.worker } : {}),
  });
}
