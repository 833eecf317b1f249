import { ConnectorRegistry } from '@levante/connector-api';

/** The connectors this build of Levante offers; adding one touches only this list. */
export function createConnectorRegistry(): ConnectorRegistry {
  return new ConnectorRegistry()
    .register('local', async () => (await import('@levante/connector-local')).localConnectorFactory)
    .register('ec2', async () => (await import('@levante/connector-ec2')).ec2ConnectorFactory);
}
