import type { Connector, MachineInfo } from '@levante/connector-api';
import { expectConnectorError } from '@levante/connector-api/conformance';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { type DriverLease, DriverPool } from '../drivers/driver-pool.ts';
import type { HypervisorDriver } from '../drivers/hypervisor-driver.ts';
import { localConnectorFactory } from '../index.ts';
import type { LocalConnector } from '../local-connector.ts';
import { type LocalSettings, settingsSchema } from '../settings.ts';
import { connectSite, create, HOSTS } from './sim-site.ts';

/** A pool that keeps the driver it hands out, to change its faults while a migration runs. */
class KeepingPool extends DriverPool {
  driver: HypervisorDriver | null = null;

  override async acquire(settings: LocalSettings, dataDir: string | null): Promise<DriverLease> {
    const lease = await super.acquire(settings, dataDir);
    this.driver ??= lease.driver;
    return lease;
  }
}

const SETTINGS = { bootDelayMs: 1_000, migrateDelayMs: 3_000, jitter: 0 };

/** A simulated site on a manual clock, with machine `web` STARTED on paris-a-1. */
async function siteWithMachine(settings: Record<string, unknown> = {}) {
  const clock = new ManualClock();
  const pool = new KeepingPool(clock);
  const connector = (await connectSite({ ...SETTINGS, ...settings }, { pool })) as LocalConnector;
  const machine = await create(connector, 'web');
  clock.advance(1_000);
  return { clock, pool, connector, machine };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 60));

const where = async (connector: Connector, machine: MachineInfo) => {
  const info = await connector.getMachine(machine);
  return `${info?.state} on ${info?.hostRef} (${String(info?.extra?.nativeState)})`;
};

describe('live migration on the simulator', () => {
  it('runs on its source while it migrates, then on its destination once the delay is over', async () => {
    const { clock, connector, machine } = await siteWithMachine();
    let settled = false;
    const moving = connector.migrateMachine(machine, 'paris-a-2').finally(() => {
      settled = true;
    });
    await tick();
    expect(await where(connector, machine)).toBe('STARTED on paris-a-1 (migrating)');
    // The hypervisor is busy: other operations wait until the migration is over.
    await expectConnectorError(connector.act(machine, 'stop'), ['InvalidRequest']);
    clock.advance(2_999);
    await tick();
    expect(settled).toBe(false);
    clock.advance(1);
    expect(await moving).toMatchObject({ state: 'STARTED', hostRef: 'paris-a-2' });
    expect(await where(connector, machine)).toBe('STARTED on paris-a-2 (running)');
    await connector.close();
  });

  it.each([
    ['the host it runs on', 'paris-a-1', 'InvalidRequest', 'Machine "web" already runs on host "paris-a-1".'],
    ['an undeclared host', 'paris-z-9', 'InvalidRequest', 'The local site has no host "paris-z-9".'],
    [
      'a host of another location',
      'lyon-a-1',
      'InvalidRequest',
      'Host "lyon-a-1" is in lyon; machine "web" can only move within paris.',
    ],
    [
      'a host of another hypervisor',
      'paris-b-1',
      'InvalidRequest',
      'Machine "web" runs on kvm and host paris-b-1 on esx: a live migration stays on one hypervisor.',
    ],
    ['a host that is down', 'paris-a-3', 'CapacityError', 'Host "paris-a-3" is down; choose another host.'],
  ] as const)('refuses a migration to %s, and the machine stays', async (_case, host, kind, message) => {
    const { connector, machine } = await siteWithMachine({ faults: { downHosts: ['paris-a-3'] } });
    const error = await expectConnectorError(connector.migrateMachine(machine, host), [kind]);
    expect(error.message).toBe(message);
    expect(await where(connector, machine)).toBe('STARTED on paris-a-1 (running)');
    await connector.close();
  });

  it('refuses to migrate a machine that is not STARTED', async () => {
    const clock = new ManualClock();
    const connector = (await connectSite(SETTINGS, { pool: new DriverPool(clock) })) as LocalConnector;
    const machine = await create(connector, 'web');
    const error = await expectConnectorError(connector.migrateMachine(machine, 'paris-a-2'), [
      'InvalidRequest',
    ]);
    expect(error.message).toBe('Machine "web" is CREATING; only a STARTED machine can migrate.');
    await connector.close();
  });

  it('stays on its source when the destination goes down during the migration', async () => {
    const { clock, pool, connector, machine } = await siteWithMachine();
    const moving = connector.migrateMachine(machine, 'paris-a-2');
    await tick();
    pool.driver!.reconfigure(
      settingsSchema.parse({ ...SETTINGS, hosts: HOSTS, faults: { downHosts: ['paris-a-2'] } }),
    );
    clock.advance(3_000);
    const error = await expectConnectorError(moving, ['CapacityError']);
    expect(error.message).toBe(
      'Host paris-a-2 went down while machine "web" was migrating to it; the machine still runs on paris-a-1.',
    );
    expect(await where(connector, machine)).toBe('STARTED on paris-a-1 (running)');
    await connector.close();
  });

  it('moves to any host when the settings declare none, keeping its hypervisor', async () => {
    const connector = (await localConnectorFactory.connect({
      endpoint: null,
      credentials: { token: 'local' },
      settings: { bootDelayMs: 0, migrateDelayMs: 0, jitter: 0 },
      dataDir: null,
    })) as LocalConnector;
    const machine = await create(connector, 'web', { host: { ref: 'rack-7', hypervisor: 'xen' } });
    expect(await connector.migrateMachine(machine, 'rack-8')).toMatchObject({
      hostRef: 'rack-8',
      extra: { hypervisor: 'xen' },
    });
    await connector.close();
  });
});
