import { capabilitiesFor } from '@levante/connector-api';
import { expectConnectorError } from '@levante/connector-api/conformance';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { DriverPool } from '../drivers/driver-pool.ts';
import type { HypervisorDriver } from '../drivers/hypervisor-driver.ts';
import { LibvirtDriver } from '../drivers/libvirt/libvirt-driver.ts';
import { QemuDriver } from '../drivers/qemu/qemu-driver.ts';
import { SimDriver } from '../drivers/sim/sim-driver.ts';
import { localConnectorFactory } from '../index.ts';
import { LocalConnector } from '../local-connector.ts';
import { settingsSchema } from '../settings.ts';
import { connectSite, create, machines, specFor } from './sim-site.ts';

describe('the local connector', () => {
  it('is the `local` kind, with hosts and every action but capture', () => {
    expect(localConnectorFactory).toMatchObject({
      kind: 'local',
      displayName: 'Levante hosts',
      capabilities: {
        pause: true,
        suspend: true,
        restart: true,
        capture: false,
        hosts: true,
        nativeSystems: false,
        migrate: true,
      },
    });
  });

  it.each([
    ['sim', SimDriver, true],
    ['qemu', QemuDriver, true],
    ['libvirt', LibvirtDriver, false],
  ] as const)('declares migrate for the %s driver exactly when it can migrate', (driver, type, migrate) => {
    expect(typeof (type.prototype as Partial<HypervisorDriver>).migrate === 'function').toBe(migrate);
    expect(capabilitiesFor(localConnectorFactory, { driver }).migrate).toBe(migrate);
  });

  it.each([
    ['no host', { host: null }, "The local provider needs a host chosen by Levante's scheduler."],
    ['an unknown location', { location: 'nantes' }, 'The local site has no location "nantes".'],
    [
      'an unknown configuration',
      { configurationRef: 'tiny' },
      'The local site has no configuration "tiny" in paris.',
    ],
    [
      'an image the host cannot run',
      { imageRef: 'windows-2022', configurationRef: 'large' },
      'Image "Windows Server 2022" runs on esx, not on host "paris-a-1" (kvm).',
    ],
    [
      'a disk smaller than the image needs',
      { imageRef: 'windows-2022', host: { ref: 'paris-b-1', hypervisor: 'esx' } },
      'Image "Windows Server 2022" needs a disk of 40 GiB; configuration "Small" has 10 GiB.',
    ],
    [
      'an undeclared host',
      { host: { ref: 'paris-z-9', hypervisor: 'kvm' } },
      'The local site has no host "paris-z-9".',
    ],
    [
      'a host of another location',
      { host: { ref: 'lyon-a-1', hypervisor: 'xen' } },
      'Host "lyon-a-1" is in lyon, not in paris.',
    ],
    [
      'a host with the wrong hypervisor',
      { host: { ref: 'paris-a-1', hypervisor: 'esx' } },
      'Host "paris-a-1" runs kvm, not esx.',
    ],
  ] as const)('refuses a create with %s, and creates nothing', async (_case, overrides, message) => {
    const connector = await connectSite();
    const error = await expectConnectorError(create(connector, 'refused', overrides), ['InvalidRequest']);
    expect(error.message).toBe(message);
    expect(await machines(connector)).toEqual([]);
    await connector.close();
  });

  it('accepts any host when the settings declare none (Levante’s database owns the inventory)', async () => {
    const connector = await localConnectorFactory.connect({
      endpoint: null,
      credentials: { token: 'local' },
      settings: {},
      dataDir: null,
    });
    const machine = await connector.createMachine(
      specFor('anywhere', { host: { ref: 'rack-7', hypervisor: 'kvm' } }),
      {
        idempotencyKey: 'anywhere',
      },
    );
    expect(machine.hostRef).toBe('rack-7');
    expect(await connector.listHosts?.()).toEqual([]);
    await connector.close();
  });

  it('returns the same machine for one idempotency key, even with a different spec', async () => {
    const connector = await connectSite();
    const first = await create(connector, 'web');
    const again = await connector.createMachine(specFor('other-name'), { idempotencyKey: 'key-web' });
    expect(again.ref).toBe(first.ref);
    expect(again.name).toBe('web');
    expect(await machines(connector)).toHaveLength(1);
    await connector.close();
  });

  it('refuses an action the machine’s state does not allow, saying what it is', async () => {
    const clock = new ManualClock();
    const connector = await connectSite({}, { clock });
    const machine = await create(connector, 'web');
    const busy = await expectConnectorError(connector.act(machine, 'stop'), ['InvalidRequest']);
    expect(busy.message).toBe('Machine "web" is CREATING and cannot stop; it must be STARTED or PAUSED.');
    clock.advance(2_000);
    await expectConnectorError(connector.act(machine, 'resume'), ['InvalidRequest']);
    await connector.close();
  });

  it('shows the site’s hosts with their state', async () => {
    const connector = await connectSite({ faults: { downHosts: ['lyon-a-1'] } });
    const hosts = (await connector.listHosts?.()) ?? [];
    expect(hosts.map((h) => `${h.ref}:${h.hypervisor}:${h.up ? 'up' : 'down'}`)).toEqual([
      'paris-a-1:kvm:up',
      'paris-a-2:kvm:up',
      'paris-a-3:kvm:up',
      'paris-b-1:esx:up',
      'lyon-a-1:xen:down',
    ]);
    await connector.close();
  });

  it('refuses every call with a wrong token, and every call after close', async () => {
    const refused = await connectSite({}, { token: 'guess' });
    await expectConnectorError(refused.listLocations(), ['AuthError']);
    await expectConnectorError(machines(refused), ['AuthError']);
    await expectConnectorError(create(refused, 'web'), ['AuthError']);
    await refused.close();

    const closed = await connectSite();
    await closed.close();
    await expectConnectorError(closed.validate(), ['ProviderUnavailable']);
  });

  it('refuses invalid settings at connect, saying which', async () => {
    const error = await expectConnectorError(connectSite({ jitter: 3 }), ['InvalidRequest']);
    expect(error.message).toContain('jitter');
  });

  it('rejects calls whose signal is already aborted, creating nothing', async () => {
    const connector = await connectSite();
    const signal = AbortSignal.abort();
    await expect(
      connector.createMachine(specFor('web'), { idempotencyKey: 'web', signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    await expect(connector.getMachine({ ref: 'x', location: 'paris' }, { signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(await machines(connector)).toEqual([]);
    await connector.close();
  });
});

describe('drivers beyond the simulator', () => {
  it('keeps images’ boot files out of the catalogue', async () => {
    const boot = { kernel: '/srv/images/vmlinuz' };
    const images = [
      {
        ref: 'tiny',
        name: 'Tiny',
        os: 'linux',
        architecture: 'x86_64',
        hypervisors: ['kvm'],
        minDiskGiB: 1,
        boot,
      },
    ];
    const connector = await connectSite({ images });
    const listed = [];
    for await (const image of connector.listImages('paris')) listed.push(image);
    expect(listed).toEqual([expect.not.objectContaining({ boot: expect.anything() })]);
    expect(JSON.stringify(listed)).not.toContain('/srv/images');
    await connector.close();
  });

  it('refuses a migration with NotSupported when the driver cannot migrate', async () => {
    // Like LibvirtDriver: no `migrate`. Nothing else of the driver is reached.
    const driver = { name: 'libvirt' } as unknown as HypervisorDriver;
    const connector = new LocalConnector(settingsSchema.parse({}), 'local', {
      driver,
      release: async () => {},
    });
    const machine = { ref: 'vm-1', location: 'paris' };
    const error = await expectConnectorError(connector.migrateMachine(machine, 'paris-a-2'), [
      'NotSupported',
    ]);
    expect(error.message).toBe('The libvirt driver cannot migrate machines.');
  });

  it('refuses to open the qemu driver without a data directory, saying why', async () => {
    const boot = { kernel: '/k' };
    const images = [
      {
        ref: 'tiny',
        name: 'Tiny',
        os: 'linux',
        architecture: 'x86_64',
        hypervisors: ['kvm'],
        minDiskGiB: 1,
        boot,
      },
    ];
    const error = await expectConnectorError(connectSite({ driver: 'qemu', images }), ['InvalidRequest']);
    expect(error.message).toContain('data directory');
  });
});

describe('connections without a data directory', () => {
  it('each have a site of their own, so accounts never see each other’s machines', async () => {
    const pool = new DriverPool();
    const alice = await connectSite({}, { pool });
    const bob = await connectSite({}, { pool });
    await create(alice, 'alice-web');
    expect(await machines(bob)).toEqual([]);
    await Promise.all([alice.close(), bob.close()]);
  });
});
