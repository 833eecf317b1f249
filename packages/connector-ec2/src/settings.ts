import { z } from 'zod';

/** An IAM access key, with a session token for temporary (STS) credentials. */
export const credentialsSchema = z
  .object({
    accessKeyId: z.string().min(1).max(128),
    secretAccessKey: z.string().min(1).max(256),
    sessionToken: z.string().min(1).optional(),
  })
  .strict();
export type Ec2Credentials = z.infer<typeof credentialsSchema>;

/** AWS region names (us-east-1, eu-central-2…); EC2-compatible clouds name theirs freely. */
const region = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'A region name has only letters, digits and dashes.');

/** An EC2 filter value: exact, or with `*` and `?` wildcards. */
const pattern = z.string().min(1).max(255);

/**
 * Public images whose names match these stay in the catalogue; the owners
 * 'amazon' alone publish over a thousand images per region.
 */
export const DEFAULT_IMAGE_NAME_PATTERNS = [
  'al2023-ami-2023.*',
  'amzn2-ami-hvm-*',
  'Windows_Server-2022-English-Full-Base-*',
];

/** Settings of an EC2 provider; `{}` is AWS us-east-1 with Amazon's own images and the account's. */
export const settingsSchema = z
  .object({
    regions: z.array(region).min(1).max(50).prefault(['us-east-1']),
    /** DescribeImages owners: 'self', 'amazon', 'aws-marketplace' or account ids. */
    imageOwners: z
      .array(z.string().regex(/^(self|amazon|aws-marketplace|aws-backup-vault|\d{12})$/))
      .min(1)
      .max(20)
      .prefault(['self', 'amazon']),
    /**
     * Name patterns for the images of owners other than 'self' (the account's
     * own images are always listed); an empty list keeps every image.
     */
    imageFilters: z.array(pattern).max(100).prefault(DEFAULT_IMAGE_NAME_PATTERNS),
    /** Instance types offered as configurations (t3.*, m5.large…); absent, every type of the region. */
    instanceTypes: z.array(pattern).min(1).max(100).optional(),
    /** How long the images and instance types of a region are kept before asking EC2 again. */
    imageCacheTtlMs: z
      .number()
      .int()
      .min(0)
      .max(24 * 3_600_000)
      .default(600_000),
    /** Longest wait for one EC2 call, retries included. */
    requestTimeoutMs: z.number().int().min(1_000).max(300_000).default(30_000),
  })
  .strict()
  .superRefine((settings, ctx) => {
    const seen = new Set<string>();
    settings.regions.forEach((name, index) => {
      if (seen.has(name))
        ctx.addIssue({ code: 'custom', path: ['regions', index], message: `Duplicate region "${name}".` });
      seen.add(name);
    });
  });
export type Ec2Settings = z.infer<typeof settingsSchema>;
