import { HYPERVISORS } from '@levante/connector-api';
import { z } from 'zod';

/** The site's access token. */
export const credentialsSchema = z.object({ token: z.string().min(1) }).strict();
export type LocalCredentials = z.infer<typeof credentialsSchema>;

/** Hypervisor drivers: simulated hosts, QEMU processes driven over QMP, or libvirt through virsh. */
export const DRIVERS = ['sim', 'qemu', 'libvirt'] as const;
export type DriverName = (typeof DRIVERS)[number];
export const DEFAULT_DRIVER: DriverName = 'sim';

const ref = z.string().min(1).max(64);
const delayMs = z.number().int().min(0).max(600_000);

const locationSchema = z.object({ ref, name: z.string().min(1) }).strict();

const path = z.string().min(1).max(4096);

/** The files a real hypervisor (qemu, libvirt) boots an image from; the sim driver ignores them. */
const bootSchema = z
  .object({
    /** A Linux kernel booted directly (-kernel); without it, the firmware boots `disk`. */
    kernel: path.nullable().default(null),
    initrd: path.nullable().default(null),
    /** The kernel command line. */
    cmdline: z.string().max(4096).default('console=ttyS0'),
    /** A qcow2 disk image: each machine gets an overlay backed by it, so the image is never written. */
    disk: path.nullable().default(null),
    /**
     * A line the guest prints on its serial console once it is up. With it, a
     * (re)booting machine is STARTED only once the line appears; without it, as
     * soon as the hypervisor runs its vCPUs.
     */
    readyMarker: z.string().min(1).max(200).nullable().default(null),
  })
  .strict()
  .refine((boot) => boot.kernel !== null || boot.disk !== null, {
    message: 'An image boots from a kernel or a disk: give `kernel`, `disk`, or both.',
  });
export type ImageBoot = z.infer<typeof bootSchema>;

const imageSchema = z
  .object({
    ref,
    name: z.string().min(1),
    os: z.string().min(1),
    architecture: z.string().min(1),
    hypervisors: z.array(z.enum(HYPERVISORS)).min(1),
    minDiskGiB: z.number().int().positive(),
    /** Needed by the qemu driver; used by libvirt when given. */
    boot: bootSchema.optional(),
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

/**
 * A machine the simulated site already runs when Levante first connects:
 * made by hand or by another tool, so unmanaged (no Levante id), for Levante
 * to adopt. Its reference is `existing-<name>`.
 */
const existingMachineSchema = z
  .object({
    name: z.string().min(1).max(63),
    location: ref,
    /** The host it runs on, by name. */
    host: z.string().min(1),
    hypervisor: z.enum(HYPERVISORS).default('kvm'),
    image: ref,
    configuration: ref,
    state: z.enum(['running', 'shutoff']).default('running'),
  })
  .strict();
export type ExistingMachine = z.infer<typeof existingMachineSchema>;

const faultsSchema = z
  .object({
    /** Hosts whose boots end in ERROR, as if their hardware failed. */
    failBootOnHosts: z.array(ref).default([]),
    /** Hosts that do not answer: creates and actions there fail with a typed error. */
    downHosts: z.array(ref).default([]),
  })
  .strict();

/** The qemu driver: one QEMU process per machine, controlled over QMP. */
const qemuSchema = z
  .object({
    binary: path.default('qemu-system-x86_64'),
    /** Creates the disk overlays. */
    imgBinary: path.default('qemu-img'),
    /** 'auto': KVM when /dev/kvm can be opened, TCG (software emulation) otherwise. */
    accel: z.enum(['auto', 'kvm', 'tcg']).default('auto'),
    machineType: z.string().min(1).max(64).default('q35'),
    /** Guest memory; null: the machine's configuration says. */
    memoryMiB: z.number().int().min(32).max(4_194_304).nullable().default(null),
    /**
     * TCG only: the translation buffer (`-accel tcg,tb-size=`) in MiB; null:
     * QEMU's default, an eighth of host memory up to 1 GiB. Its pages are
     * touched as code is translated (in 2 MiB huge pages where the host has
     * them): about 50 MB of RSS per guest once a small Linux has booted. A
     * smaller buffer saves memory per guest, but is flushed and refilled
     * whenever the guest's code outgrows it: 16 suits tiny test guests, not a
     * distribution doing real work.
     */
    tbSizeMiB: z.number().int().min(1).max(2048).nullable().default(null),
    /** How long a guest may take to power off before its QEMU is told to quit. */
    powerOffTimeoutMs: delayMs.default(10_000),
    /** The longest a suspend, resume or live migration may take. */
    transferTimeoutMs: delayMs.default(120_000),
  })
  .strict();

/** The libvirt driver: domains defined and driven through `virsh -c <uri>`. */
const libvirtSchema = z
  .object({
    uri: z.string().min(1).max(4096).default('qemu:///system'),
    virsh: path.default('virsh'),
    /** The domain type in the XML: 'kvm' or 'qemu' for QEMU hosts, 'test' for libvirt's test driver. */
    domainType: z.enum(['kvm', 'qemu', 'xen', 'test']).default('kvm'),
    /** How long a guest may take to shut down before it is destroyed (forced off). */
    powerOffTimeoutMs: delayMs.default(60_000),
    /** The longest one virsh call may take. */
    callTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
  })
  .strict();

export type QemuSettings = z.infer<typeof qemuSchema>;
export type LibvirtSettings = z.infer<typeof libvirtSchema>;

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
  if (settings.driver === 'qemu') {
    settings.images.forEach((image, index) => {
      if (!image.boot) {
        ctx.addIssue({
          code: 'custom',
          path: ['images', index, 'boot'],
          message: `Image "${image.ref}" says nothing the qemu driver can boot: give it \`boot\` with a kernel or a disk.`,
        });
      }
    });
  }
  const locations = new Set(settings.locations.map((l) => l.ref));
  const images = new Set(settings.images.map((i) => i.ref));
  const configurations = new Set(settings.configurations.map((c) => c.ref));
  const names = new Set<string>();
  settings.existing.forEach((machine, index) => {
    const problem = (field: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: ['existing', index, field], message });
    if (names.has(machine.name)) problem('name', `Two existing machines are named "${machine.name}".`);
    names.add(machine.name);
    if (!locations.has(machine.location))
      problem('location', `"${machine.location}" is not one of the locations.`);
    if (!images.has(machine.image)) problem('image', `"${machine.image}" is not one of the images.`);
    if (!configurations.has(machine.configuration))
      problem('configuration', `"${machine.configuration}" is not one of the configurations.`);
  });
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

/**
 * Settings of a local provider; `{}` is a valid two-site simulated provider.
 * `driver` picks how machines run; `qemu` and `libvirt` hold each driver's own
 * options, and images give real drivers their files in `boot`.
 */
export const settingsSchema = z
  .object({
    driver: z.enum(DRIVERS).default(DEFAULT_DRIVER),
    /** The access token accounts must present. */
    token: z.string().min(1).default('local'),
    /** Seeds the simulator's randomness: same seed, same addresses and timings. */
    seed: z.number().int().default(1),
    bootDelayMs: delayMs.default(1500),
    stopDelayMs: delayMs.default(800),
    actionDelayMs: delayMs.default(500),
    /** How long a live migration takes on the simulator. */
    migrateDelayMs: delayMs.default(2000),
    /** Each delay varies by up to this fraction, either way. */
    jitter: z.number().min(0).max(1).default(0.2),
    locations: z.array(locationSchema).min(1).max(250).prefault(DEFAULT_LOCATIONS),
    images: z.array(imageSchema).prefault(DEFAULT_IMAGES),
    configurations: z.array(configurationSchema).prefault(DEFAULT_CONFIGURATIONS),
    /** The site's hosts, for listHosts; Levante's database holds the authoritative inventory. */
    hosts: z.array(hostSchema).prefault([]),
    faults: faultsSchema.prefault({}),
    /** Machines the simulator runs from the start, unmanaged (the sim driver only). */
    existing: z.array(existingMachineSchema).max(1000).prefault([]),
    /** Options of the qemu driver (ignored by the others). */
    qemu: qemuSchema.prefault({}),
    /** Options of the libvirt driver (ignored by the others). */
    libvirt: libvirtSchema.prefault({}),
  })
  .strict()
  .superRefine((settings, ctx) => checkRefs(settings, ctx));

export type LocalSettings = z.infer<typeof settingsSchema>;
export type HostSettings = LocalSettings['hosts'][number];
