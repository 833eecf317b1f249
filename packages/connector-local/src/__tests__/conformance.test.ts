import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceSubject } from '@levante/connector-api/conformance';
import { describeConformance, describeStateMap } from '@levante/connector-api/conformance';
import { type DriverLease, DriverPool } from '../drivers/driver-pool.ts';
import type { HypervisorDriver } from '../drivers/hypervisor-driver.ts';
import { mapSimState, STATE_MAP, STATE_MAP_FALLBACK } from '../drivers/sim/sim-states.ts';
import { createLocalConnectorFactory } from '../local-connector-factory.ts';
import type { LocalSettings } from '../settings.ts';
import { HOSTS } from './sim-site.ts';

describeStateMap('local/sim', STATE_MAP, mapSimState, STATE_MAP_FALLBACK);

/** A pool that remembers the first driver it hands out: the one of the connector under test. */
class FirstDriverPool extends DriverPool {
  first: HypervisorDriver | null = null;

  override async acquire(settings: LocalSettings, dataDir: string | null): Promise<DriverLease> {
    const lease = await super.acquire(settings, dataDir);
    this.first ??= lease.driver;
    return lease;
  }
}

/**
 * The simulator with short delays. Its unmanaged machine is booted through
 * the driver directly, without Levante's machine id, as an operator running
 * virsh on a host would, on the site of the connector under test (the kit
 * connects it in beforeAll, before any test runs).
 */
function simSubject(dataDir: string | null, teardown: () => Promise<void>): ConformanceSubject {
  const settings = {
    token: 'conformance',
    bootDelayMs: 50,
    stopDelayMs: 20,
    actionDelayMs: 20,
    migrateDelayMs: 30,
    hosts: HOSTS,
  };
  const pool = new FirstDriverPool();
  let unmanaged = 0;
  return {
    factory: createLocalConnectorFactory({ pool }),
    context: { endpoint: null, credentials: { token: 'conformance' }, settings, dataDir },
    badCredentials: { token: 'not-the-site-token' },
    location: 'paris',
    imageRef: 'debian-12',
    configurationRef: 'small',
    host: { ref: 'paris-a-1', hypervisor: 'kvm' },
    migrationHost: 'paris-a-3',
    async createUnmanaged() {
      if (!pool.first) throw new Error('The connector under test has not connected.');
      const domain = await pool.first.boot(
        { ref: 'paris-a-2', hypervisor: 'kvm' },
        {
          ref: `hand-made-${++unmanaged}`,
          name: 'hand-made',
          location: 'paris',
          imageRef: 'alpine-3.20',
          configurationRef: 'small',
          vcpus: 1,
          memoryMiB: 1024,
          diskGiB: 10,
          userData: null,
          managedId: null,
        },
      );
      return { ref: domain.ref, location: domain.location };
    },
    timeoutMs: 2_000,
    teardown,
  };
}

describeConformance('local/sim', async () => simSubject(null, async () => {}));

describeConformance('local/sim with a data directory', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'levante-local-conformance-'));
  return simSubject(dataDir, () => rm(dataDir, { recursive: true, force: true }));
});
