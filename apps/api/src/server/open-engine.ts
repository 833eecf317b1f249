import { join } from 'node:path';
import { type DatabaseHandle, openDatabase } from '@levante/db';
import { createEngine, type Engine, type WorkerOptions } from '@levante/engine';
import type { Logger } from 'pino';
import type { LevanteConfig } from '../config.ts';
import { createConnectorRegistry } from './connector-registry.ts';
import { loadMasterKey } from './master-key.ts';
import { sharedServicesFor } from './shared-services.ts';

export interface OpenedEngine {
  readonly database: DatabaseHandle;
  readonly engine: Engine;
  /** Stops the engine (its worker, if started, waits for its jobs), then closes what it opened. */
  close(): Promise<void>;
}

/**
 * The engine as every entry point (server, worker, CLI) builds it from the
 * configuration: on its database, with the services the installation's
 * processes share. Its worker is not started.
 */
export async function openEngine(
  config: LevanteConfig,
  logger: Logger,
  options: { worker?: Partial<WorkerOptions> } = {},
): Promise<OpenedEngine> {
  const masterKey = loadMasterKey(config.home, config.masterKey);
  const database = await openDatabase({ url: config.databaseUrl, dataDir: join(config.home, 'db') });
  const shared = await sharedServicesFor(config, masterKey, logger).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  const engine = createEngine({
    db: database.db,
    bus: shared.bus,
    hostNews: shared.hostNews,
    loginThrottle: shared.loginThrottle,
    logger,
    registry: createConnectorRegistry(),
    masterKey,
    dataDir: config.home,
    reconcileIntervalMs: config.reconcileIntervalMs,
    jobRetentionMs: config.jobRetentionMs,
    ...(options.worker ? { worker: options.worker } : {}),
  });
  return {
    database,
    engine,
    close: async () => {
      await engine.close();
      await shared.close();
      await database.close();
    },
  };
}
