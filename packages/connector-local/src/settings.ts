import { HYPERVISORS } from '@levante/connector-api';
import { z } from 'zod';

/** The site's access token. */
export const credentialsSchema = z.object({ token: z.string().min(1) }).strict();
export type LocalCredentials = z.infer<typeof credentialsSchema>;

/** Hypervisor drivers: 'qemu' and 'libvirt' join 'sim' here when they exist. */
export const DRIVERS = ['sim'] as const;
export type DriverName = (typeof DRIVERS)[number];

const ref = z.string().min(1).max(64);
const delayMs = z.number().int().min(0).max(600_000);

const locationSchema = z.object({ ref, name: z.string().min(1) }).strict();

const imageSchema = z
  .object({
    ref,
    name: z.string().min(1),
    os: z.string().min(1),
    architecture: z.string().min(1),
    hypervisors: z.array(z.enum(HYPERVISORS)).min(1),
    minDiskGiB: z.number().int().positive(),
  })
  .strict();

const configurationSchema = z
  .object({
    ref,
    name: z.string().min(1),
    vcpus: z.number().int().positive(),
    memoryMiB: z.number().int().positive(),
    diskGiB: z.number().int().positive(),
  })
  .strict();

const hostSchema = z
  .object({
    ref,
    name: z.string().min(1),
    location: ref,
    cluster: z.string().min(1).nullable().default(null),
    hypervisor: z.enum(HYPERVISORS),
    vcpus: z.number().int().positive(),
    memoryMiB: z.number().int().positive(),
    diskGiB: z.number().int().positive(),
  })
  .strict();

const faultsSchema = z
  .object({
    /** Hosts whose boots end in ERROR, as if their hardware failed. */
    failBootOnHosts: z.array(ref).default([]),
    /** Hosts that do not answer: creates and actions there fail with a typed error. */
    downHosts: z.array(ref).default([]),
  })
  .strict();

const DEFAULT_LOCATIONS = [
  { ref: 'paris', name: 'Paris' },
  { ref: 'lyon', name: 'Lyon' },
];

const DEFAULT_IMAGES: z.input<typeof imageSchema>[] = [
  {
    ref: 'debian-12',
    name: 'Debian 12',
    os: 'linux',
    architecture: 'x86_64',
    hypervisors: ['kvm', 'xen', 'esx'],
    minDiskGiB: 4,
  },
  {
    ref: 'ubuntu-24.04',
    name: 'Ubuntu 24.04 LTS',
    os: 'linux',
    architecture: 'x86_64',
    hypervisors: ['kvm', 'esx'],
    minDiskGiB: 8,
  },
  {
    ref: 'alpine-3.20',
    name: 'Alpine 3.20',
    os: 'linux',
    architecture: 'x86_64',
    hypervisors: ['kvm', 'xen'],
    minDiskGiB: 1,
  },
  {
    ref: 'windows-2022',
    name: 'Windows Server 2022',
    os: 'windows',
    architecture: 'x86_64',
    hypervisors: ['esx'],
    minDiskGiB: 40,
  },
];

const DEFAULT_CONFIGURATIONS = [
  { ref: 'small', name: 'Small', vcpus: 1, memoryMiB: 1024, diskGiB: 10 },
  { ref: 'medium', name: 'Medium', vcpus: 2, memoryMiB: 4096, diskGiB: 20 },
  { ref: 'large', name: 'Large', vcpus: 4, memoryMiB: 8192, diskGiB: 40 },
  { ref: 'xlarge', name: 'Extra large', vcpus: 8, memoryMiB: 16384, diskGiB: 80 },
  { ref: 'huge', name: 'Huge', vcpus: 32, memoryMiB: 131072, diskGiB: 200 },
];

/** Refs must be unique within each list, and hosts must sit in a declared location. */
function checkRefs(settings: LocalSettings, ctx: z.RefinementCtx): void {
  for (const list of ['locations', 'images', 'configurations', 'hosts'] as const) {
    const seen = new Set<string>();
    settings[list].forEach((item, index) => {
      if (seen.has(item.ref))
        ctx.addIssue({ code: 'custom', path: [list, index, 'ref'], message: `Duplicate ref "${item.ref}".` });
      seen.add(item.ref);
    });
  }
  const locations = new Set(settings.locations.map((l) => l.ref));
  settings.hosts.forEach((host, index) => {
    if (!locations.has(host.location)) {
      ctx.addIssue({
        code: 'custom',
        path: ['hosts', index, 'location'],
        message: `Host "${host.ref}" is in "${host.location}", which is not one of the locations.`,
      });
    }
  });
}

/** Settings of a local provider; `{}` is a valid two-site simulated provider. */
export const settingsSchema = z
  .object({
    driver: z.enum(DRIVERS).default('sim'),
    /** The access token accounts must present (sim driver). */
    token: z.string().min(1).default('local'),
    /** Seeds the simulator's randomness: same seed, same addresses and timings. */
    seed: z.number().int().default(1),
    bootDelayMs: delayMs.default(1500),
    stopDelayMs: delayMs.default(800),
    actionDelayMs: delayMs.default(500),
    /** Each delay varies by up to this fraction, either way. */
    jitter: z.number().min(0).max(1).default(0.2),
    locations: z.array(locationSchema).min(1).max(250).prefault(DEFAULT_LOCATIONS),
    images: z.array(imageSchema).prefault(DEFAULT_IMAGES),
    configurations: z.array(configurationSchema).prefault(DEFAULT_CONFIGURATIONS),
    /** The site's hosts, for listHosts; Levante's database holds the authoritative inventory. */
    hosts: z.array(hostSchema).prefault([]),
    faults: faultsSchema.prefault({}),
  })
  .strict()
  .superRefine((settings, ctx) => checkRefs(settings, ctx));

export type LocalSettings = z.infer<typeof settingsSchema>;
export type HostSettings = LocalSettings['hosts'][number];
