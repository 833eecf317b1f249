import type { DatabaseHandle } from '@levante/db';
import { createEngine, type Engine, type EventBus, type WorkerOptions } from '@levante/engine';
import type { Logger } from 'pino';
import type { LevanteConfig } from '../config.ts';
import { createConnectorRegistry } from './connector-registry.ts';
import { loadMasterKey } from './master-key.ts';

/** The engine as every entry point (server, CLI) builds it from the configuration. */
export function engineFor(
  config: LevanteConfig,
  database: DatabaseHandle,
  logger: Logger,
  bus: EventBus,
  options: { worker?: Partial<WorkerOptions> } = {},
): Engine {
  return createEngine({
    db: database.db,
    bus,
    logger,
    registry: createConnectorRegistry(),
    masterKey: loadMasterKey(config.home, config.masterKey),
    dataDir: config.home,
    ...(options.worker ? { worker: options.worker } : {}),
  });
}
