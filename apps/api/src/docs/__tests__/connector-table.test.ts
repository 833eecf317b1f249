import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createConnectorRegistry } from '../../server/connector-registry.ts';
import { renderConnectorTable, withConnectorTable } from '../connector-table.ts';

const README = join(import.meta.dirname, '..', '..', '..', '..', '..', 'README.md');

describe("the README's connector table", () => {
  it('is what the registered connectors declare (run `pnpm docs:connectors` after changing one)', async () => {
    const registry = createConnectorRegistry();
    const readme = readFileSync(README, 'utf8');
    expect(withConnectorTable(readme, await renderConnectorTable(registry))).toBe(readme);
  });

  it('lists every registered kind with its capabilities and every native state it maps', async () => {
    const registry = createConnectorRegistry();
    const table = await renderConnectorTable(registry);
    for (const kind of registry.kinds()) {
      const factory = await registry.get(kind);
      expect(table).toContain(`| \`${kind}\` | ${factory.displayName} |`);
      for (const map of Object.values(factory.stateMaps)) {
        for (const native of Object.keys(map)) expect(table).toContain(`\`${native}\``);
      }
    }
  });
});
