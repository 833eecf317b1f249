import {
  type Capabilities,
  type ConnectContext,
  type ConnectorFactory,
  readConnectContext,
} from '@levante/connector-api';
import { DriverPool } from './drivers/driver-pool.ts';
import { STATE_MAP as LIBVIRT_STATE_MAP } from './drivers/libvirt/libvirt-states.ts';
import { STATE_MAP as QEMU_STATE_MAP } from './drivers/qemu/qemu-states.ts';
import { STATE_MAP as SIM_STATE_MAP } from './drivers/sim/sim-states.ts';
import { LocalConnector } from './local-connector.ts';
import { credentialsSchema, DEFAULT_DRIVER, DRIVERS, type DriverName, settingsSchema } from './settings.ts';

/** What each driver adds to the provider's capabilities: live migration needs a driver that can (`migrate`). */
export const DRIVER_CAPABILITIES: Readonly<Record<DriverName, Partial<Capabilities>>> = {
  sim: { migrate: true },
  qemu: { migrate: true },
  libvirt: { migrate: false },
};

const driverOf = (settings: Readonly<Record<string, unknown>>): DriverName =>
  DRIVERS.find((d) => d === settings.driver) ?? DEFAULT_DRIVER;

export interface LocalConnectorFactoryOptions {
  /** Where drivers are shared and their clock comes from; tests bring their own. */
  readonly pool?: DriverPool;
}

/** The `local` provider: Levante's own hosts, driven through a hypervisor driver. */
export function createLocalConnectorFactory(options: LocalConnectorFactoryOptions = {}): ConnectorFactory {
  const pool = options.pool ?? new DriverPool();
  return {
    kind: 'local',
    displayName: 'Levante hosts',
    capabilities: {
      pause: true,
      suspend: true,
      restart: true,
      capture: false,
      hosts: true,
      nativeSystems: false,
      ...DRIVER_CAPABILITIES[DEFAULT_DRIVER],
    },
    variantCapabilities: DRIVER_CAPABILITIES,
    variantOf: driverOf,
    credentialsSchema,
    settingsSchema,
    stateMaps: { sim: SIM_STATE_MAP, qemu: QEMU_STATE_MAP, libvirt: LIBVIRT_STATE_MAP },
    async connect(context: ConnectContext) {
      const { settings, credentials } = readConnectContext(context, {
        settingsSchema,
        credentialsSchema,
        provider: 'The local provider',
        credentialsHint: 'The local site needs an access token: { "token": "…" }.',
      });
      const lease = await pool.acquire(settings, context.dataDir);
      return new LocalConnector(settings, credentials.token, lease);
    },
  };
}

export const localConnectorFactory: ConnectorFactory = createLocalConnectorFactory();
