import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseAccel, incarnationFiles, qemuArgs, shellQuote } from '../drivers/qemu/qemu-command-line.ts';
import type { QemuRecord } from '../drivers/qemu/qemu-record.ts';

const record = (overrides: Partial<QemuRecord> = {}): QemuRecord => ({
  version: 1,
  ref: 'vm-1',
  name: 'web',
  location: 'paris',
  hostRef: 'h1',
  hypervisor: 'kvm',
  imageRef: 'tiny',
  configurationRef: 'tiny',
  vcpus: 2,
  memoryMiB: 256,
  managedId: 'm-1',
  boot: { kernel: '/img/vmlinuz', initrd: '/img/initrd.gz', cmdline: 'console=ttyS0', readyMarker: 'UP' },
  disk: false,
  state: 'building',
  error: null,
  process: null,
  incoming: null,
  incarnation: 0,
  markersBefore: 0,
  deadline: null,
  changedAt: 0,
  ...overrides,
});

const plain = {
  accel: 'tcg',
  machineType: 'q35',
  memoryMiB: null,
  tbSizeMiB: null,
  incoming: null,
  startPaused: false,
} as const;

/** The value following `flag` in `args`, for each time the flag appears. */
const valuesOf = (args: string[], flag: string) =>
  args.flatMap((arg, index) => (arg === flag ? [args[index + 1]] : []));

describe('qemuArgs', () => {
  const dir = '/data/qemu/vm-1';
  const files = incarnationFiles(dir, 3);

  it.each([
    ['TCG', plain, { '-machine': ['q35'], '-accel': ['tcg'], '-cpu': [], '-m': ['256'], '-smp': ['2'] }],
    ['TCG with a translation buffer size', { ...plain, tbSizeMiB: 16 }, { '-accel': ['tcg,tb-size=16'] }],
    [
      'KVM with the host CPU',
      { ...plain, accel: 'kvm' },
      { '-machine': ['q35'], '-accel': ['kvm'], '-cpu': ['host'] },
    ],
    [
      'KVM, which has no translation buffer',
      { ...plain, accel: 'kvm', tbSizeMiB: 16 },
      { '-accel': ['kvm'] },
    ],
    ['machine properties', { ...plain, machineType: 'q35,hpet=off' }, { '-machine': ['q35,hpet=off'] }],
    ['a memory override', { ...plain, memoryMiB: 128 }, { '-m': ['128'] }],
    [
      'an incoming migration, paused',
      { ...plain, incoming: 'unix:/m.sock', startPaused: true },
      { '-incoming': ['unix:/m.sock'] },
    ],
  ] as const)('%s', (_case, options, expected) => {
    const args = qemuArgs(record(), dir, files, options);
    for (const [flag, values] of Object.entries(expected)) expect(valuesOf(args, flag), flag).toEqual(values);
    expect(args.includes('-S')).toBe(options.startPaused);
  });

  it('boots the kernel with its initrd and command line, logs the console and serves QMP, never -no-reboot', () => {
    const args = qemuArgs(record(), dir, files, plain);
    expect(valuesOf(args, '-kernel')).toEqual(['/img/vmlinuz']);
    expect(valuesOf(args, '-initrd')).toEqual(['/img/initrd.gz']);
    expect(valuesOf(args, '-append')).toEqual(['console=ttyS0']);
    expect(valuesOf(args, '-chardev')).toEqual([`file,id=console,path=${dir}/console-3.log`]);
    expect(valuesOf(args, '-qmp')).toEqual([`unix:${dir}/qmp-3.sock,server=on,wait=off`]);
    expect(args).toContain('-no-shutdown');
    expect(args).not.toContain('-no-reboot');
    expect(valuesOf(args, '-drive')).toEqual([]);
  });

  it('boots a disk overlay, without a kernel', () => {
    const boot = { kernel: null, initrd: null, cmdline: '', readyMarker: null };
    const args = qemuArgs(record({ boot, disk: true }), dir, files, plain);
    expect(valuesOf(args, '-drive')).toEqual([`file=${dir}/disk.qcow2,format=qcow2,if=virtio`]);
    expect(valuesOf(args, '-kernel')).toEqual([]);
  });

  it('doubles commas in option values', () => {
    const args = qemuArgs(record(), '/a,b', incarnationFiles('/a,b', 1), plain);
    expect(valuesOf(args, '-qmp')).toEqual(['unix:/a,,b/qmp-1.sock,server=on,wait=off']);
  });
});

describe('chooseAccel', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'levante-accel-'));
    await writeFile(join(dir, 'kvm'), '');
    await writeFile(join(dir, 'vmx'), 'processor\t: 0\nflags\t\t: fpu vme vmx sse2\n');
    await writeFile(join(dir, 'none'), 'processor\t: 0\nflags\t\t: fpu vme hypervisor sse2\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const paths = (kvm: string, cpuinfo: string) => ({ kvm: join(dir, kvm), cpuinfo: join(dir, cpuinfo) });

  it.each([
    ['kvm', 'missing', 'none', 'kvm'],
    ['tcg', 'kvm', 'vmx', 'tcg'],
    ['auto', 'kvm', 'vmx', 'kvm'],
    ['auto', 'missing', 'vmx', 'tcg'],
    ['auto', 'kvm', 'none', 'tcg'],
  ] as const)('%s with device %s and CPU flags %s gives %s', (accel, kvm, cpuinfo, expected) => {
    expect(chooseAccel(accel, paths(kvm, cpuinfo))).toBe(expected);
  });
});

describe('shellQuote', () => {
  it.each([
    ['/data/memory.state', "'/data/memory.state'"],
    ["/it's/here", "'/it'\\''s/here'"],
    ['/a b/$(x)', "'/a b/$(x)'"],
  ])('%s → %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});
