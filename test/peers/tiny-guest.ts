import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BUILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'tiny-guest', 'build.sh');

/** A tiny real Linux guest: Debian's cloud kernel and a busybox initramfs (see tiny-guest/build.sh). */
export interface TinyGuest {
  readonly kernel: string;
  readonly initrd: string;
  /** An empty 16 MiB qcow2 disk the guest does not need: machines get overlays backed by it. */
  readonly disk: string;
}

/** The line the guest prints on its serial console once it is up (about 3 s under TCG). */
export const TINY_GUEST_MARKER = 'LEVANTE-GUEST-UP';
/** It then prints `LEVANTE-GUEST-TICK n` every 5 s, n counting seconds since it came up. */
export const TINY_GUEST_TICK = /LEVANTE-GUEST-TICK (\d+)/g;
/** Its kernel command line: console on ttyS0, reboot at once on a panic. */
export const TINY_GUEST_CMDLINE = 'console=ttyS0 quiet panic=-1';
/**
 * Its memory. It boots with 80 MiB but not 72 (the kernel is 32 MiB once
 * unpacked); 96 leaves room for a bigger Debian kernel. It touches nearly all
 * of it while booting, so this is most of a guest's RSS.
 */
export const TINY_GUEST_MEMORY_MIB = 96;
/**
 * A TCG translation buffer (QemuSettings.tbSizeMiB) the guest runs as fast
 * with as with QEMU's default, for about 30 MB less RSS: its boot fills 16 MiB
 * (a couple of flushes, ~0.1 s) and, once up, it translates a few kB a minute.
 * With 8 MiB the buffer thrashes and the idle guest takes 9% of a core, not 1%.
 */
export const TINY_GUEST_TB_SIZE_MIB = 16;

/** Where the guest is built and kept across runs. */
export const TINY_GUEST_CACHE = join(tmpdir(), 'levante-tiny-guest');

const inCi = (): boolean => process.env.CI === 'true';

function missingCommand(command: string, args: string[]): string | null {
  const probe = spawnSync(command, args, { encoding: 'utf8', timeout: 20_000 });
  if (probe.error) return `${command} is not available (${probe.error.message})`;
  if (probe.status !== 0) return `${command} ${args.join(' ')} failed: ${probe.stderr.trim()}`;
  return null;
}

/**
 * Why QEMU tests cannot run here (qemu-system-x86_64, qemu-img or apt-get
 * missing), or null when they can. Always null with CI=true: CI must run them or fail.
 */
export function qemuMissing(): string | null {
  if (inCi()) return null;
  return (
    missingCommand('qemu-system-x86_64', ['--version']) ??
    missingCommand('qemu-img', ['--version']) ??
    (existsSync(join(TINY_GUEST_CACHE, 'vmlinuz')) ? null : missingCommand('apt-get', ['--version']))
  );
}

/**
 * Builds the tiny guest into `cacheDir` once (about 5 s, with `apt-get
 * download`), and returns its files. Builds run in a directory of their own and
 * the files are renamed into place, so parallel test files cannot see half a build.
 */
export async function buildTinyGuest(cacheDir = TINY_GUEST_CACHE): Promise<TinyGuest> {
  const guest = {
    kernel: join(cacheDir, 'vmlinuz'),
    initrd: join(cacheDir, 'initrd.gz'),
    disk: join(cacheDir, 'disk.qcow2'),
  };
  // vmlinuz is renamed into place last: once it is there, so are the others.
  if (existsSync(guest.kernel)) return guest;
  await mkdir(dirname(cacheDir), { recursive: true });
  const work = await mkdtemp(`${cacheDir}.build-`);
  try {
    await run('sh', [BUILD_SCRIPT, work], { timeout: 300_000 }).catch((error: { stderr?: string }) => {
      throw new Error(`tiny-guest/build.sh failed: ${error.stderr?.trim() ?? String(error)}`);
    });
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', join(work, 'disk.qcow2'), '16M']);
    await mkdir(cacheDir, { recursive: true });
    await rename(join(work, 'disk.qcow2'), guest.disk);
    await rename(join(work, 'initrd.gz'), guest.initrd);
    await rename(join(work, 'vmlinuz'), guest.kernel);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return guest;
}
