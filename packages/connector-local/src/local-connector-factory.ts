import { type ConnectContext, type ConnectorFactory, readConnectContext } from '@levante/connector-api';
import { DriverPool } from './drivers/driver-pool.ts';
import { STATE_MAP as LIBVIRT_STATE_MAP } from './drivers/libvirt/libvirt-states.ts';
import { STATE_MAP as QEMU_STATE_MAP } from './drivers/qemu/qemu-states.ts';
import { STATE_MAP as SIM_STATE_MAP } from './drivers/sim/sim-states.ts';
import { LocalConnector } from './local-connector.ts';
import { credentialsSchema, settingsSchema } from './settings.ts';

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
    },
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
