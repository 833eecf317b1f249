import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { describeConformance } from '@levante/connector-api/conformance';
import { describe, it } from 'vitest';
import { motoMissing } from '../../../../test/peers/moto-server.ts';
import { ec2ConnectorFactory } from '../index.ts';
import { motoAccount, OTHER_REGION, REGION, UNKNOWN_CREDENTIALS } from './moto-account.ts';

const missing = motoMissing();

if (missing) {
  describe('ec2/moto conformance', () => {
    it.skip(`needs moto (skipped: ${missing}; with CI=true this fails instead)`, () => {});
  });
} else {
  describeConformance('ec2/moto', async () => {
    const account = await motoAccount();
    return {
      factory: ec2ConnectorFactory,
      context: {
        endpoint: account.moto.endpoint,
        credentials: account.credentials,
        // An allow-list keeps DescribeInstanceTypes small: moto returns all 1,263 types in one page.
        settings: { regions: [REGION, OTHER_REGION], instanceTypes: ['t3.*', 'm5d.large'] },
        dataDir: null,
      },
      badCredentials: UNKNOWN_CREDENTIALS,
      location: REGION,
      imageRef: account.imageRef,
      configurationRef: 't3.micro',
      async createUnmanaged() {
        // Run behind Levante's back: no levante:machine-id tag.
        const answer = await account.client().send(
          new RunInstancesCommand({
            ImageId: account.imageRef,
            InstanceType: 't3.nano',
            MinCount: 1,
            MaxCount: 1,
          }),
        );
        const ref = answer.Instances?.[0]?.InstanceId;
        if (!ref) throw new Error('moto ran no instance.');
        return { ref, location: REGION };
      },
      timeoutMs: 5_000,
      teardown: () => account.close(),
    };
  });
}
