import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ConnectorError, HYPERVISORS } from '@levante/connector-api';
import { z } from 'zod';
import { SIM_STATES } from './sim-states.ts';

/** One simulated domain as the simulator keeps it (user data is not kept: it may hold secrets). */
const simDomainSchema = z.object({
  ref: z.string(),
  name: z.string(),
  location: z.string(),
  hostRef: z.string(),
  hypervisor: z.enum(HYPERVISORS),
  imageRef: z.string(),
  configurationRef: z.string(),
  vcpus: z.number(),
  memoryMiB: z.number(),
  diskGiB: z.number(),
  managedId: z.string().nullable(),
  addresses: z.array(z.string()),
  state: z.enum(SIM_STATES),
  error: z.string().nullable(),
  /**
   * The transition under way: the state it ends in, when (epoch ms), the error
   * it ends with, and for a live migration the host the domain ends up on.
   */
  pending: z
    .object({
      to: z.enum(SIM_STATES),
      doneAt: z.number(),
      error: z.string().nullable(),
      hostRef: z.string().optional(),
    })
    .nullable(),
  /** When `state` was entered (epoch ms). */
  changedAt: z.number(),
});
export type SimDomain = z.infer<typeof simDomainSchema>;

const snapshotSchema = z.object({
  version: z.literal(1),
  /** The PRNG's state, so that a restarted simulator carries on with the same sequence. */
  random: z.number().int(),
  domains: z.array(simDomainSchema),
});
export type SimSnapshot = z.infer<typeof snapshotSchema>;

/** The least time between two writes of the state file. */
const WRITE_SPACING_MS = 20;

/**
 * The simulator's machines in a JSON file of the connection's data directory.
 * Every write replaces the file atomically (temporary file, then rename), one
 * write at a time.
 */
export class SimStateFile {
  readonly path: string;
  #writing: Promise<void> = Promise.resolve();
  #queued: Promise<void> | null = null;
  #directory: Promise<void> | null = null;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'local-sim.json');
  }

  /** The saved snapshot, or null when nothing was saved yet. */
  async load(): Promise<SimSnapshot | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.#unreadable(error);
    }
    try {
      return snapshotSchema.parse(JSON.parse(text));
    } catch (error) {
      throw this.#unreadable(error);
    }
  }

  /**
   * Writes the state after the write under way. Saves asked for while a write
   * is under way share the next one, which reads the state when it starts: one
   * write covers every change made before it, instead of one write per change.
   */
  save(snapshot: () => SimSnapshot): Promise<void> {
    this.#queued ??= this.#writing.then(async () => {
      // A short pause lets the changes of a burst share one write of the whole state.
      await new Promise((resolve) => setTimeout(resolve, WRITE_SPACING_MS));
      this.#queued = null;
      const text = `${JSON.stringify(snapshot())}\n`;
      const temporary = `${this.path}.${process.pid}.tmp`;
      // Made once; asked again should that fail.
      this.#directory ??= mkdir(dirname(this.path), { recursive: true }).then(
        () => {},
        (error: unknown) => {
          this.#directory = null;
          throw error;
        },
      );
      await this.#directory;
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, this.path);
    });
    const write = this.#queued;
    this.#writing = write.catch(() => {});
    return write;
  }

  /** Resolves once every write asked for so far is done. */
  flush(): Promise<void> {
    return this.#writing;
  }

  #unreadable(cause: unknown): ConnectorError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new ConnectorError(
      'ProviderUnavailable',
      `The local site's simulator cannot read its state file ${this.path}: ${reason}`,
      { cause },
    );
  }
}
