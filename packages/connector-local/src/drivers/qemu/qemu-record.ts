import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectorError, HYPERVISORS } from '@levante/connector-api';
import { z } from 'zod';
import { QEMU_STATES } from './qemu-states.ts';

const processSchema = z.object({
  pid: z.number().int().positive(),
  /** Numbers the files of this QEMU process: qmp-<n>.sock, console-<n>.log, stderr-<n>.log. */
  incarnation: z.number().int().nonnegative(),
});
export type ProcessRef = z.infer<typeof processSchema>;

/** One machine of the qemu driver, as kept in `<dataDir>/qemu/<ref>/machine.json` (no user data). */
const recordSchema = z.object({
  version: z.literal(1),
  ref: z.string(),
  name: z.string(),
  location: z.string(),
  hostRef: z.string(),
  hypervisor: z.enum(HYPERVISORS),
  imageRef: z.string(),
  configurationRef: z.string(),
  vcpus: z.number().int().positive(),
  memoryMiB: z.number().int().positive(),
  managedId: z.string().nullable(),
  /** The image's boot files when the machine was created, so that later boots use the same. */
  boot: z.object({
    kernel: z.string().nullable(),
    initrd: z.string().nullable(),
    cmdline: z.string(),
    readyMarker: z.string().nullable(),
  }),
  /** Whether the machine has a disk overlay (disk.qcow2). */
  disk: z.boolean(),
  state: z.enum(QEMU_STATES),
  error: z.string().nullable(),
  /** The QEMU process running the machine, or null when none does. */
  process: processSchema.nullable(),
  /** The destination QEMU of a live migration under way. */
  incoming: processSchema.extend({ hostRef: z.string(), hypervisor: z.enum(HYPERVISORS) }).nullable(),
  /** The last incarnation used. */
  incarnation: z.number().int().nonnegative(),
  /** How many ready markers the console log held when the current boot began. */
  markersBefore: z.number().int().nonnegative(),
  /** When a power-off under way turns into a quit (epoch ms). */
  deadline: z.number().nullable(),
  /** When `state` was entered (epoch ms). */
  changedAt: z.number(),
});
export type QemuRecord = z.infer<typeof recordSchema>;

export const RECORD_FILE = 'machine.json';

/**
 * The machines' records in `<root>/<ref>/machine.json`. Each write replaces
 * the file atomically (temporary file, then rename), one write at a time per machine.
 */
export class RecordStore {
  readonly root: string;
  readonly #writes = new Map<string, Promise<void>>();
  #sequence = 0;

  constructor(root: string) {
    this.root = root;
  }

  dirOf(ref: string): string {
    return join(this.root, ref);
  }

  async loadAll(): Promise<QemuRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw unreadable(this.root, error);
    }
    const records: QemuRecord[] = [];
    for (const name of names.sort()) {
      const path = join(this.root, name, RECORD_FILE);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        // A directory whose first write never finished: nothing ran there.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw unreadable(path, error);
      }
      try {
        records.push(recordSchema.parse(JSON.parse(text)));
      } catch (error) {
        throw unreadable(path, error);
      }
    }
    return records;
  }

  /** Writes a copy of `record` after the writes of the same machine asked for before. */
  save(record: QemuRecord): Promise<void> {
    const text = `${JSON.stringify(record)}\n`;
    const dir = this.dirOf(record.ref);
    const temporary = join(dir, `${RECORD_FILE}.${process.pid}.${++this.#sequence}.tmp`);
    const previous = this.#writes.get(record.ref) ?? Promise.resolve();
    const write = previous.then(async () => {
      await mkdir(dir, { recursive: true });
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, join(dir, RECORD_FILE));
    });
    const settled = write.catch(() => {});
    this.#writes.set(record.ref, settled);
    void settled.then(() => {
      if (this.#writes.get(record.ref) === settled) this.#writes.delete(record.ref);
    });
    return write;
  }

  /** Resolves once every write asked for so far is done. */
  async flush(): Promise<void> {
    await Promise.all(this.#writes.values());
  }
}

function unreadable(path: string, cause: unknown): ConnectorError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ConnectorError(
    'ProviderUnavailable',
    `The qemu driver cannot read its machines' records in ${path}: ${reason}`,
    { cause },
  );
}
