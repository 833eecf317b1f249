import { join } from 'node:path';
import { openDatabase } from '@levante/db';
import { LevanteError } from '@levante/domain';
import pino from 'pino';
import { ConfigError, type LevanteConfig, loadConfig } from '../config.ts';
import { engineFor } from '../server/engine-for.ts';
import { startLevante } from '../server/levante-server.ts';

const USAGE = `Usage: levante <command>

Commands:
  start                              migrate the database and serve the API
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
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('Stopping Levante…');
  await levante.close();
  return 0;
}

async function resetPassword(config: LevanteConfig, logger: pino.Logger, username: string): Promise<number> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: join(config.home, 'db') });
  try {
    const engine = engineFor(config, database, logger);
    const password = await engine.users.resetPassword(username);
    console.log(`One-time password for "${username}": ${password}\nIt must be changed at the next login.`);
    return 0;
  } finally {
    await database.close();
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
