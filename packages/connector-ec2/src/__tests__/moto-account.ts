import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { type MotoServer, startMotoServer } from '../../../../test/peers/moto-server.ts';
import type { Ec2Credentials } from '../settings.ts';

export const REGION = 'us-east-1';
export const OTHER_REGION = 'eu-west-1';

/** Well-formed credentials moto does not know once authentication is on. */
export const UNKNOWN_CREDENTIALS: Ec2Credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

export interface MotoAccount {
  readonly moto: MotoServer;
  /** The access key of an IAM user allowed everything. */
  readonly credentials: Ec2Credentials;
  /** An Amazon Linux image of REGION. */
  readonly imageRef: string;
  /** An SDK client of REGION with the account's credentials, to act behind Levante's back. */
  client(region?: string): EC2Client;
  close(): Promise<void>;
}

/**
 * A moto server with IAM authentication on, so that wrong credentials are
 * refused as AWS refuses them: an IAM user with an allow-all policy and an
 * access key are created while moto still accepts anything, then
 * authentication is enforced for every later request.
 */
export async function motoAccount(): Promise<MotoAccount> {
  const moto = await startMotoServer();
  const clients: EC2Client[] = [];
  try {
    const anyone = { accessKeyId: 'AKIAMOTOSETUP0000000', secretAccessKey: 'setup' };
    const iam = new IAMClient({ region: REGION, endpoint: moto.endpoint, credentials: anyone });
    await iam.send(new CreateUserCommand({ UserName: 'levante' }));
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'levante',
        PolicyName: 'all',
        PolicyDocument: JSON.stringify(policy),
      }),
    );
    const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName: 'levante' }));
    iam.destroy();
    if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error('moto created no access key.');
    const credentials = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    await moto.enforceAuthentication(true);

    const client = (region = REGION) => {
      // A copy: the SDK marks the credentials object it is given (a `$source` key).
      const made = new EC2Client({ region, endpoint: moto.endpoint, credentials: { ...credentials } });
      clients.push(made);
      return made;
    };
    const images = await client().send(
      new DescribeImagesCommand({
        Owners: ['amazon'],
        Filters: [{ Name: 'name', Values: ['al2023-ami-2023.*'] }],
      }),
    );
    const imageRef = images.Images?.find((i) => i.Architecture === 'x86_64')?.ImageId;
    if (!imageRef) throw new Error('moto has no Amazon Linux 2023 image in us-east-1.');
    return {
      moto,
      credentials,
      imageRef,
      client,
      async close() {
        for (const made of clients) made.destroy();
        await moto.stop();
      },
    };
  } catch (error) {
    await moto.stop();
    throw error;
  }
}
