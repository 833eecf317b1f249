import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnectorRegistry } from '../server/connector-registry.ts';
import { renderConnectorTable, withConnectorTable } from './connector-table.ts';

/** Rewrites the connectors section of README.md from the connectors' declarations. */
const readmePath = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'README.md');
const readme = readFileSync(readmePath, 'utf8');
writeFileSync(readmePath, withConnectorTable(readme, await renderConnectorTable(createConnectorRegistry())));
console.log(`Updated the connectors section of ${readmePath}`);
