export { ec2ConnectorFactory } from './ec2-connector-factory.ts';
