import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The PIDs of the QEMU processes whose command line names a path under
 * `dir` (their QMP socket, console log or disk): the guests a test started
 * in its own temporary directory, and only those.
 */
export async function qemuPidsUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const words = await readFile(`/proc/${pid}/cmdline`, 'utf8').then(
      (text) => text.split('\0'),
      () => [],
    );
    const isQemu = words[0]?.includes('qemu-system') ?? false;
    if (isQemu && words.some((word) => word.includes(dir))) pids.push(pid);
  }
  return pids;
}

/**
 * Kills (SIGKILL, by PID) every QEMU started under `dir` and waits until
 * they are gone: a test's teardown, since closing a connector leaves guests
 * running as real VMs would. Returns how many there were.
 */
export async function killQemuUnder(dir: string): Promise<number> {
  const pids = await qemuPidsUnder(dir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + 5_000;
  while (pids.some(alive) && Date.now() < deadline) await sleep(20);
  return pids.length;
}
