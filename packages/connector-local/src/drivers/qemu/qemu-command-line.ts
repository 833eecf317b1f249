import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QemuSettings } from '../../settings.ts';
import type { QemuRecord } from './qemu-record.ts';

/** The files of one QEMU process (one incarnation) of a machine, in the machine's directory. */
export interface IncarnationFiles {
  readonly qmpSocket: string;
  readonly consoleLog: string;
  readonly stderrLog: string;
  /** Where a live migration to this process arrives. */
  readonly migrationSocket: string;
}

export function incarnationFiles(dir: string, incarnation: number): IncarnationFiles {
  return {
    qmpSocket: join(dir, `qmp-${incarnation}.sock`),
    consoleLog: join(dir, `console-${incarnation}.log`),
    stderrLog: join(dir, `stderr-${incarnation}.log`),
    migrationSocket: join(dir, `migrate-${incarnation}.sock`),
  };
}

/** The machine's memory, saved by a suspend. */
export const savedStateFile = (dir: string) => join(dir, 'memory.state');
export const diskFile = (dir: string) => join(dir, 'disk.qcow2');

/** Unix socket paths must fit in sun_path (108 bytes with its NUL). */
export const MAX_SOCKET_PATH = 107;

/**
 * 'kvm' or 'tcg' when asked for. 'auto' takes KVM when /dev/kvm opens for
 * reading and writing and the CPU shows hardware virtualisation (vmx or svm):
 * some nested machines have a /dev/kvm on which guests hang.
 */
export function chooseAccel(
  accel: QemuSettings['accel'],
  paths = { kvm: '/dev/kvm', cpuinfo: '/proc/cpuinfo' },
): 'kvm' | 'tcg' {
  if (accel !== 'auto') return accel;
  try {
    accessSync(paths.kvm, constants.R_OK | constants.W_OK);
  } catch {
    return 'tcg';
  }
  try {
    return /^flags\s*:.*\b(vmx|svm)\b/m.test(readFileSync(paths.cpuinfo, 'utf8')) ? 'kvm' : 'tcg';
  } catch {
    return 'kvm';
  }
}

/** QEMU's option syntax doubles commas inside a value. */
export const opt = (value: string) => value.replaceAll(',', ',,');

/** Quotes a word for /bin/sh, which runs QEMU's `exec:` migration commands. */
export const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

export interface LaunchOptions {
  readonly accel: 'kvm' | 'tcg';
  readonly machineType: string;
  /** Overrides the record's memory (QemuSettings.memoryMiB). */
  readonly memoryMiB: number | null;
  /**
   * TCG's translation buffer in MiB (QemuSettings.tbSizeMiB); null or absent:
   * QEMU's default. Ignored under KVM, which translates nothing.
   */
  readonly tbSizeMiB: number | null;
  /** `-incoming` URI: the process waits for a migration (live, or from a saved file). */
  readonly incoming: string | null;
  /** Keep the vCPUs stopped after start (until QMP `cont`). */
  readonly startPaused: boolean;
}

/**
 * `-accel`'s value. `-accel` rather than `-machine …,accel=`, which cannot
 * take the accelerator's properties (QEMU refuses the two together).
 */
function accelOption({ accel, tbSizeMiB }: LaunchOptions): string {
  return accel === 'tcg' && tbSizeMiB ? `tcg,tb-size=${tbSizeMiB}` : accel;
}

/**
 * QEMU's arguments for one incarnation of a machine. No `-no-reboot` (a reset
 * must reboot, not exit) but `-no-shutdown`: when the guest powers off, QEMU
 * stays with the run state 'shutdown', so Levante tells a clean power-off from
 * a crash even when it was not watching, and then quits it.
 */
export function qemuArgs(record: QemuRecord, dir: string, files: IncarnationFiles, options: LaunchOptions) {
  const args = [
    '-name',
    `${opt(record.ref)},debug-threads=off`,
    // The type with any machine properties the setting adds (`q35,hpet=off`), so no opt().
    '-machine',
    options.machineType,
    '-accel',
    accelOption(options),
    ...(options.accel === 'kvm' ? ['-cpu', 'host'] : []),
    '-m',
    String(options.memoryMiB ?? record.memoryMiB),
    '-smp',
    String(record.vcpus),
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-no-shutdown',
    '-chardev',
    `file,id=console,path=${opt(files.consoleLog)}`,
    '-serial',
    'chardev:console',
    '-qmp',
    `unix:${opt(files.qmpSocket)},server=on,wait=off`,
  ];
  const { kernel, initrd, cmdline } = record.boot;
  if (kernel) args.push('-kernel', kernel, '-append', cmdline);
  if (kernel && initrd) args.push('-initrd', initrd);
  if (record.disk) args.push('-drive', `file=${opt(diskFile(dir))},format=qcow2,if=virtio`);
  if (options.startPaused) args.push('-S');
  if (options.incoming) args.push('-incoming', options.incoming);
  return args;
}
