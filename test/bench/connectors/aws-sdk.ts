/**
 * The AWS SDK for EC2 that the ec2 connector itself uses, for the raw side of
 * the comparisons. The workspace root does not depend on @aws-sdk/client-ec2
 * (only packages/connector-ec2 does), so it is loaded from that package's
 * node_modules: the very module the connector runs, not another copy.
 */
import { createRequire } from 'node:module';
import type * as Ec2Sdk from '../../../packages/connector-ec2/node_modules/@aws-sdk/client-ec2';

const requireFromConnector = createRequire(
  new URL('../../../packages/connector-ec2/package.json', import.meta.url),
);

export const ec2Sdk = requireFromConnector('@aws-sdk/client-ec2') as typeof Ec2Sdk;
export type { Ec2Sdk };
