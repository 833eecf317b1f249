import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce
  .number({ message: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 (any free port) and 65535')
  .max(65535, 'must be between 0 (any free port) and 65535');

/** Every environment variable Levante reads; the README's table mirrors this. */
const envSchema = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  LEVANTE_HOME: z.string().min(1).default('.levante'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  LEVANTE_WORKER: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
  LEVANTE_ADMIN_PASSWORD: z
    .string()
    .min(12, 'must have at least 12 characters')
    .max(256, 'must have at most 256 characters')
    .optional(),
  LEVANTE_MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded in base64')
    .optional(),
  LEVANTE_RECONCILE_INTERVAL: z.coerce
    .number({ message: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 (never on its own) or more seconds')
    .max(86_400, 'must be at most 86400 seconds (a day)')
    .default(60),
  LEVANTE_JOB_RETENTION_DAYS: z.coerce
    .number({ message: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(0, 'must be 0 (keep jobs for ever) or more days')
    .max(3650, 'must be at most 3650 days')
    .default(30),
  LEVANTE_SEED_SITE: z.enum(['true', 'false'], { message: 'must be true or false' }).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface LevanteConfig {
  readonly port: number;
  readonly host: string;
  /** Absolute path of the data directory (PGlite, generated master key). */
  readonly home: string;
  readonly databaseUrl: string | undefined;
  /** What several processes share (events, failed logins); without it, each process keeps its own. */
  readonly redisUrl: string | undefined;
  /** Whether `levante start` runs the job worker too (false when `levante worker` processes run the jobs). */
  readonly runWorker: boolean;
  /** How often a worker compares each account's machines with its provider (ms; 0: only when asked). */
  readonly reconcileIntervalMs: number;
  /** How long jobs that ended are kept before workers remove them (ms; 0: for ever). */
  readonly jobRetentionMs: number;
  readonly adminPassword: string | undefined;
  readonly masterKey: string | undefined;
  readonly logLevel: string;
  /** Whether a fresh install gets the local provider with a simulated site. */
  readonly seedSite: boolean;
}

export class ConfigError extends Error {}

/** Reads the configuration from the environment, or throws one message naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): LevanteConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = result.data;
  return {
    port: c.PORT,
    host: c.HOST,
    home: resolve(c.LEVANTE_HOME),
    databaseUrl: c.DATABASE_URL,
    redisUrl: c.REDIS_URL,
    runWorker: c.LEVANTE_WORKER === 'true',
    reconcileIntervalMs: c.LEVANTE_RECONCILE_INTERVAL * 1000,
    jobRetentionMs: c.LEVANTE_JOB_RETENTION_DAYS * 86_400_000,
    adminPassword: c.LEVANTE_ADMIN_PASSWORD,
    masterKey: c.LEVANTE_MASTER_KEY,
    logLevel: c.LOG_LEVEL,
    seedSite: c.LEVANTE_SEED_SITE === 'true',
  };
}
