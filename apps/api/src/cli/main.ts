import { join } from 'node:path';
import { openDatabase } from '@levante/db';
import { LevanteError } from '@levante/domain';
import pino from 'pino';
import { ConfigError, type LevanteConfig, loadConfig } from '../config.ts';
import { startLevante } from '../server/levante-server.ts';
import { startWorker } from '../server/levante-worker.ts';
import { openEngine } from '../server/open-engine.ts';

const USAGE = `Usage: levante <command>

Commands:
  start                              migrate the database and serve the API (and run jobs,
                                     unless LEVANTE_WORKER=false)
  worker                             run jobs only, beside API servers on the same
                                     PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)
  migrate                            apply pending database migrations and exit
  admin reset-password <username>    set a one-time password for a user who lost theirs

Configuration is read from the environment; see the README.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  switch (command) {
    case 'start':
      return start(config, logger);
    case 'worker':
      return worker(config, logger);
    case 'migrate': {
      const database = await openDatabase({ url: config.databaseUrl, dataDir: join(config.home, 'db') });
      await database.close();
      console.log(`Database at ${database.location} is up to date.`);
      return 0;
    }
    case 'admin':
      if (rest[0] === 'reset-password' && rest[1]) return resetPassword(config, logger, rest[1]);
      break;
  }
  console.error(USAGE);
  return 2;
}

async function start(config: LevanteConfig, logger: pino.Logger): Promise<number> {
  const levante = await startLevante(config, logger);
  console.log(`Levante is running at ${levante.url}`);
  console.log(`  Console:                       ${levante.url}/`);
  console.log(`  GraphQL API and subscriptions: ${levante.url}/graphql`);
  console.log(`  GraphiQL:                      ${levante.url}/graphiql`);
  console.log(`  Data:                          ${levante.database.location}`);
  const admin = levante.firstAdmin;
  if (admin?.oneTimePassword) {
    console.log(
      `\nFirst start: log in as "${admin.username}" with the one-time password\n\n    ${admin.oneTimePassword}\n`,
    );
    console.log('You will be asked to choose a new password. It is not shown again.');
  } else if (admin) {
    console.log(`\nFirst start: "${admin.username}" was created with LEVANTE_ADMIN_PASSWORD.`);
  }
  if (!config.runWorker) console.log('  Jobs:                          run by `levante worker` processes');
  await stopSignal();
  console.log('Stopping Levante…');
  await levante.close();
  return 0;
}

async function worker(config: LevanteConfig, logger: pino.Logger): Promise<number> {
  const running = await startWorker(config, logger);
  console.log(`Levante worker is running jobs of ${running.database.location}`);
  await stopSignal();
  console.log('Stopping the worker: waiting for its running jobs…');
  await running.close();
  return 0;
}

function stopSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

async function resetPassword(config: LevanteConfig, logger: pino.Logger, username: string): Promise<number> {
  const { engine, close } = await openEngine(config, logger);
  try {
    const password = await engine.users.resetPassword(username);
    console.log(`One-time password for "${username}": ${password}\nIt must be changed at the next login.`);
    return 0;
  } finally {
    await close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof LevanteError) console.error(error.message);
    else console.error(error);
    process.exit(1);
  },
);
