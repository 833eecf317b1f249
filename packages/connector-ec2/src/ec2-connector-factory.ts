import { type ConnectContext, type ConnectorFactory, readConnectContext } from '@levante/connector-api';
import { Ec2Connector } from './ec2-connector.ts';
import { Ec2Region } from './ec2-region.ts';
import { STATE_MAP } from './ec2-states.ts';
import { credentialsSchema, settingsSchema } from './settings.ts';

export interface Ec2ConnectorFactoryOptions {
  /** The clock of the catalogue cache; tests bring their own. */
  readonly now?: () => number;
}

/** 'AKIA…WXYZ': enough to tell keys apart, not a credential. */
export const maskAccessKeyId = (id: string): string =>
  id.length >= 12 ? `${id.slice(0, 4)}…${id.slice(-4)}` : `…${id.slice(-2)}`;

function accountName(endpoint: string | null, accessKeyId: string): string {
  const key = `access key ${maskAccessKeyId(accessKeyId)}`;
  if (!endpoint) return `AWS (${key})`;
  let host = endpoint;
  try {
    host = new URL(endpoint).host;
  } catch {}
  return `EC2 at ${host} (${key})`;
}

/** The `ec2` provider: Amazon EC2, or any EC2-compatible endpoint given at registration. */
export function createEc2ConnectorFactory(options: Ec2ConnectorFactoryOptions = {}): ConnectorFactory {
  return {
    kind: 'ec2',
    displayName: 'Amazon EC2',
    capabilities: {
      pause: false,
      suspend: false,
      restart: true,
      capture: false,
      hosts: false,
      nativeSystems: false,
      migrate: false,
    },
    credentialsSchema,
    settingsSchema,
    stateMaps: { ec2: STATE_MAP },
    async connect(context: ConnectContext) {
      const { settings, credentials } = readConnectContext(context, {
        settingsSchema,
        credentialsSchema,
        provider: 'The EC2 provider',
        credentialsHint:
          'EC2 needs an access key: { "accessKeyId": "…", "secretAccessKey": "…", "sessionToken"?: "…" }.',
      });
      const regions = settings.regions.map(
        (name) =>
          new Ec2Region({
            name,
            endpoint: context.endpoint,
            credentials: credentials,
            callTimeoutMs: settings.requestTimeoutMs,
          }),
      );
      return new Ec2Connector({
        settings: settings,
        regions,
        accountName: accountName(context.endpoint, credentials.accessKeyId),
        now: options.now,
      });
    },
  };
}

export const ec2ConnectorFactory: ConnectorFactory = createEc2ConnectorFactory();
