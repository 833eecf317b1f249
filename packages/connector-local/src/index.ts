export { localConnectorFactory } from './local-connector-factory.ts';
