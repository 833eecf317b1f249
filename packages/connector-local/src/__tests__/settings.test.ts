import { describe, expect, it } from 'vitest';
import { credentialsSchema, settingsSchema } from '../settings.ts';

const tinyImage = {
  ref: 'tiny',
  name: 'Tiny',
  os: 'linux',
  architecture: 'x86_64',
  hypervisors: ['kvm'],
  minDiskGiB: 1,
};

describe('local provider settings', () => {
  it('accepts {} as a simulated site of two locations with the default catalogue', () => {
    const settings = settingsSchema.parse({});
    expect(settings).toMatchObject({
      driver: 'sim',
      token: 'local',
      seed: 1,
      bootDelayMs: 1500,
      stopDelayMs: 800,
      actionDelayMs: 500,
      jitter: 0.2,
      hosts: [],
      faults: { failBootOnHosts: [], downHosts: [] },
    });
    expect(settings.locations.map((l) => l.ref)).toEqual(['paris', 'lyon']);
    expect(settings.images.map((i) => [i.ref, i.hypervisors.join('+'), i.minDiskGiB])).toEqual([
      ['debian-12', 'kvm+xen+esx', 4],
      ['ubuntu-24.04', 'kvm+esx', 8],
      ['alpine-3.20', 'kvm+xen', 1],
      ['windows-2022', 'esx', 40],
    ]);
    expect(settings.configurations.map((c) => [c.ref, c.vcpus, c.memoryMiB, c.diskGiB])).toEqual([
      ['small', 1, 1024, 10],
      ['medium', 2, 4096, 20],
      ['large', 4, 8192, 40],
      ['xlarge', 8, 16384, 80],
      ['huge', 32, 131072, 200],
    ]);
  });

  it('gives the real drivers defaults too, which the sim driver ignores', () => {
    const settings = settingsSchema.parse({});
    expect(settings.qemu).toEqual({
      binary: 'qemu-system-x86_64',
      imgBinary: 'qemu-img',
      accel: 'auto',
      machineType: 'q35',
      memoryMiB: null,
      tbSizeMiB: null,
      powerOffTimeoutMs: 10_000,
      transferTimeoutMs: 120_000,
    });
    expect(settings.libvirt).toMatchObject({ uri: 'qemu:///system', virsh: 'virsh', domainType: 'kvm' });
  });

  it('accepts a qemu site whose images say what to boot, with their defaults', () => {
    const settings = settingsSchema.parse({
      driver: 'qemu',
      images: [{ ...tinyImage, boot: { kernel: '/img/vmlinuz' } }],
      qemu: { accel: 'tcg', memoryMiB: 128, tbSizeMiB: 16 },
    });
    expect(settings.images[0]?.boot).toEqual({
      kernel: '/img/vmlinuz',
      initrd: null,
      cmdline: 'console=ttyS0',
      disk: null,
      readyMarker: null,
    });
    expect(settings.qemu).toMatchObject({
      accel: 'tcg',
      memoryMiB: 128,
      tbSizeMiB: 16,
      binary: 'qemu-system-x86_64',
    });
  });

  it('says which image a qemu site cannot boot', () => {
    const result = settingsSchema.safeParse({ driver: 'qemu', images: [tinyImage] });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['images', 0, 'boot'],
        message:
          'Image "tiny" says nothing the qemu driver can boot: give it `boot` with a kernel or a disk.',
      }),
    ]);
  });

  it('gives each parse its own copy of the defaults', () => {
    const first = settingsSchema.parse({});
    first.locations.push({ ref: 'nantes', name: 'Nantes' });
    expect(settingsSchema.parse({}).locations).toHaveLength(2);
  });

  it.each([
    ['an unknown driver', { driver: 'vmware' }],
    ['a misspelt setting', { bootDelay: 10 }],
    ['a negative delay', { stopDelayMs: -1 }],
    ['jitter above 1', { jitter: 1.5 }],
    ['no location', { locations: [] }],
    [
      'an image without hypervisors',
      {
        images: [
          { ref: 'x', name: 'X', os: 'linux', architecture: 'x86_64', hypervisors: [], minDiskGiB: 1 },
        ],
      },
    ],
    [
      'a configuration without memory',
      { configurations: [{ ref: 'x', name: 'X', vcpus: 1, memoryMiB: 0, diskGiB: 1 }] },
    ],
    [
      'two locations with one ref',
      {
        locations: [
          { ref: 'a', name: 'A' },
          { ref: 'a', name: 'B' },
        ],
      },
    ],
    [
      'a host outside the locations',
      {
        hosts: [
          { ref: 'h', name: 'h', location: 'nantes', hypervisor: 'kvm', vcpus: 1, memoryMiB: 1, diskGiB: 1 },
        ],
      },
    ],
    ['a fault on an unnamed host', { faults: { downHosts: [''] } }],
    ['an unknown qemu option', { qemu: { kvm: true } }],
    ['an unknown accelerator', { qemu: { accel: 'hvf' } }],
    ['too little guest memory', { qemu: { memoryMiB: 8 } }],
    ['an empty translation buffer', { qemu: { tbSizeMiB: 0 } }],
    ['an image booting from nothing', { images: [{ ...tinyImage, boot: { initrd: '/img/initrd.gz' } }] }],
    ['a boot file with an unknown key', { images: [{ ...tinyImage, boot: { kernel: '/k', bios: '/b' } }] }],
    ['an unknown libvirt domain type', { libvirt: { domainType: 'vmware' } }],
    ['an empty libvirt URI', { libvirt: { uri: '' } }],
  ])('refuses %s', (_case, settings) => {
    expect(settingsSchema.safeParse(settings).success).toBe(false);
  });

  it('says where a host is misplaced', () => {
    const result = settingsSchema.safeParse({
      hosts: [
        { ref: 'h1', name: 'h1', location: 'nantes', hypervisor: 'kvm', vcpus: 1, memoryMiB: 1, diskGiB: 1 },
      ],
    });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['hosts', 0, 'location'],
        message: 'Host "h1" is in "nantes", which is not one of the locations.',
      }),
    ]);
  });
});

describe('local provider credentials', () => {
  it.each([
    [{ token: 'local' }, true],
    [{ token: '' }, false],
    [{}, false],
    [{ token: 'local', password: 'x' }, false],
    [{ token: 42 }, false],
    ['local', false],
  ])('%j is valid: %s', (credentials, valid) => {
    expect(credentialsSchema.safeParse(credentials).success).toBe(valid);
  });
});
