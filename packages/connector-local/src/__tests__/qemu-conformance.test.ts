import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConformance, describeStateMap } from '@levante/connector-api/conformance';
import { describe, it } from 'vitest';
import { killQemuUnder } from '../../../../test/peers/qemu-processes.ts';
import { buildTinyGuest, qemuMissing } from '../../../../test/peers/tiny-guest.ts';
import { mapQemuState, STATE_MAP, STATE_MAP_FALLBACK } from '../drivers/qemu/qemu-states.ts';
import { createLocalConnectorFactory } from '../local-connector-factory.ts';
import { qemuSiteSettings, RecordingPool } from './qemu-site.ts';

describeStateMap('local/qemu', STATE_MAP, mapQemuState, STATE_MAP_FALLBACK);

const missing = qemuMissing();

if (missing) {
  describe('local/qemu conformance', () => {
    it.skip(`needs QEMU (skipped: ${missing}; with CI=true this fails instead)`, () => {});
  });
} else {
  /**
   * The kit against real QEMU processes booting the tiny guest (about 3 s
   * under TCG). STARTED waits for the guest's ready marker on its console.
   */
  describeConformance('local/qemu', async () => {
    const guest = await buildTinyGuest();
    const dataDir = await mkdtemp(join(tmpdir(), 'levante-qemu-'));
    const pool = new RecordingPool();
    let unmanaged = 0;
    return {
      factory: createLocalConnectorFactory({ pool }),
      context: {
        endpoint: null,
        credentials: { token: 'conformance' },
        settings: qemuSiteSettings(guest, 'conformance'),
        dataDir,
      },
      badCredentials: { token: 'not-the-site-token' },
      location: 'paris',
      imageRef: 'tiny',
      configurationRef: 'tiny',
      host: { ref: 'paris-a-1', hypervisor: 'kvm' },
      migrationHost: 'paris-a-2',
      async createUnmanaged() {
        // Booted through the driver without Levante's machine id, as an operator would by hand.
        const driver = pool.drivers[0];
        if (!driver) throw new Error('The connector under test has not connected.');
        const domain = await driver.boot(
          { ref: 'paris-a-2', hypervisor: 'kvm' },
          {
            ref: `hand-made-${++unmanaged}`,
            name: 'hand-made',
            location: 'paris',
            imageRef: 'tiny',
            configurationRef: 'tiny',
            vcpus: 1,
            memoryMiB: 128,
            diskGiB: 1,
            userData: null,
            managedId: null,
          },
        );
        return { ref: domain.ref, location: domain.location };
      },
      timeoutMs: 30_000,
      async teardown() {
        await killQemuUnder(dataDir);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  });
}
