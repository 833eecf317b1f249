import type { DatabaseHandle } from '@levante/db';
import type { WorkerOptions } from '@levante/engine';
import type { Logger } from 'pino';
import { ConfigError, type LevanteConfig } from '../config.ts';
import { openEngine } from './open-engine.ts';

export interface RunningWorker {
  readonly database: DatabaseHandle;
  /** Stops leasing jobs, waits for the running ones, and closes the connections. */
  close(): Promise<void>;
}

/**
 * A process that only runs jobs (`levante worker`), beside API servers started
 * with LEVANTE_WORKER=false, or beside other workers. It shares their
 * PostgreSQL database, their Redis event bus (its events must reach the
 * subscribers of the API servers) and their master key.
 */
export async function startWorker(
  config: LevanteConfig,
  logger: Logger,
  options: { worker?: Partial<WorkerOptions> } = {},
): Promise<RunningWorker> {
  if (!config.databaseUrl) {
    throw new ConfigError(
      'levante worker needs DATABASE_URL: the embedded database belongs to the one process that opened it.',
    );
  }
  if (!config.redisUrl) {
    throw new ConfigError(
      "levante worker needs REDIS_URL: the events of the jobs it runs must reach the API servers' subscribers.",
    );
  }
  const opened = await openEngine(config, logger, options);
  opened.engine.startWork();
  return { database: opened.database, close: opened.close };
}
