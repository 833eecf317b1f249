import { join } from 'node:path';

/** The `levante` command, as `npm start` runs it. */
export const LEVANTE_BIN = join(import.meta.dirname, '..', '..', 'apps', 'api', 'bin', 'levante.mjs');
