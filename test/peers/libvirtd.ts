import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** libvirtd with its `test:///default` driver, for tests: state lives as long as the daemon. */
export interface Libvirtd {
  /** test+unix:///default?socket=…, the URI for `virsh -c`. */
  readonly uri: string;
  /** Runs `virsh -q -c <uri> …` and returns its stdout. */
  virsh(args: readonly string[]): Promise<string>;
  /** Defines a persistent domain from its XML. */
  define(xml: string): Promise<void>;
  stop(): Promise<void>;
}

const LIBVIRTD = '/usr/sbin/libvirtd';
const inCi = (): boolean => process.env.CI === 'true';

/**
 * Why libvirtd cannot run here (not installed, or not root, which it needs to
 * run itself as `nobody`), or null when it can. Always null with CI=true.
 */
export function libvirtMissing(): string | null {
  if (inCi()) return null;
  if (!existsSync(LIBVIRTD)) return `${LIBVIRTD} is not installed (apt-get install libvirt-daemon)`;
  const virsh = spawnSync('virsh', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (virsh.error || virsh.status !== 0) return 'virsh is not installed (apt-get install libvirt-clients)';
  if (process.getuid?.() !== 0) return 'starting libvirtd as nobody needs root';
  return null;
}

function runVirsh(uri: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('virsh', ['-q', '-c', uri, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`virsh ${args.join(' ')}: ${err.trim() || code}`)),
    );
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  process.kill(child.pid, 'SIGTERM');
  const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!done) {
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}

const PROBE_XML =
  "<domain type='test'><name>levante-keeper-probe</name><memory unit='MiB'>16</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>";

/**
 * Starts libvirtd as `nobody` (as root it wants the libvirt-qemu user) in a
 * temporary directory, plus one long-lived `virsh event --loop` connection
 * that keeps the test driver's state: without a connection open, libvirtd
 * drops it. Returns once a defined domain outlives the virsh call that defined it.
 */
export async function startLibvirtd(): Promise<Libvirtd> {
  const dir = await mkdtemp(join(tmpdir(), 'levante-libvirtd-'));
  const home = join(dir, 'home');
  const runtime = join(dir, 'xdg');
  await chmod(dir, 0o755);
  await mkdir(home);
  await mkdir(runtime, { mode: 0o700 });
  const id = (flag: string) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  const nobody = { uid: id('-u'), gid: id('-g') };
  await chown(home, nobody.uid, nobody.gid);
  await chown(runtime, nobody.uid, nobody.gid);
  const conf = join(dir, 'libvirtd.conf');
  await writeFile(conf, `listen_tls = 0\nlisten_tcp = 0\nlog_outputs = "3:file:${home}/libvirtd.log"\n`);

  const output: string[] = [];
  const daemon = spawn(
    'setpriv',
    [
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      'env',
      '-i',
      'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
      `HOME=${home}`,
      `XDG_RUNTIME_DIR=${runtime}`,
      LIBVIRTD,
      '-f',
      conf,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 20));
  };
  daemon.stdout?.on('data', keep);
  daemon.stderr?.on('data', keep);
  const killOnExit = () => daemon.kill('SIGKILL');
  process.once('exit', killOnExit);
  let keeper: ChildProcess | null = null;

  const stop = async () => {
    if (keeper) await stopProcess(keeper);
    await stopProcess(daemon);
    process.off('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
  };

  const socket = join(runtime, 'libvirt', 'libvirt-sock');
  const uri = `test+unix:///default?socket=${socket}`;
  // virsh reads XML from a file; it cannot open a pipe as /dev/stdin.
  let defined = 0;
  const define = async (xml: string) => {
    const file = join(dir, `domain-${++defined}.xml`);
    await writeFile(file, xml);
    await runVirsh(uri, ['define', file]);
    await rm(file, { force: true });
  };
  try {
    const deadline = Date.now() + 20_000;
    while (!existsSync(socket)) {
      if (daemon.exitCode !== null) throw new Error(`libvirtd exited with code ${daemon.exitCode}`);
      if (Date.now() > deadline) throw new Error('libvirtd did not create its socket within 20 s');
      await sleep(25);
    }
    keeper = spawn('virsh', ['-c', uri, 'event', '--all', '--loop'], { stdio: 'ignore' });
    for (;;) {
      await define(PROBE_XML);
      const kept = (await runVirsh(uri, ['list', '--all', '--name'])).includes('levante-keeper-probe');
      if (kept) {
        await runVirsh(uri, ['undefine', 'levante-keeper-probe']);
        break;
      }
      if (keeper.exitCode !== null)
        throw new Error(`the keeper connection exited with code ${keeper.exitCode}`);
      if (Date.now() > deadline) throw new Error('the keeper connection did not hold the state within 20 s');
      await sleep(25);
    }
    return { uri, virsh: (args) => runVirsh(uri, args), define, stop };
  } catch (error) {
    await stop();
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`libvirtd did not start: ${why}\n${output.join('\n')}`);
  }
}
