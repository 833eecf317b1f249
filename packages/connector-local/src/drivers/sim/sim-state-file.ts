import { appendFile, mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
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

/** The PRNG's state, so that a restarted simulator carries on with the same sequence. */
const randomSchema = z.number().int();

const snapshotSchema = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  /** Which journal carries on from this snapshot (version 1 files had none: 0). */
  generation: z.number().int().nonnegative().default(0),
  random: randomSchema,
  domains: z.array(simDomainSchema),
});
export type SimSnapshot = Pick<z.infer<typeof snapshotSchema>, 'random' | 'domains'>;

/** One line of the journal: the domains changed since the line before, as they now are. */
const journalLineSchema = z.object({ random: randomSchema, domains: z.array(simDomainSchema) });

/** The least time between two writes. */
const WRITE_SPACING_MS = 20;
/** The journal is folded into a new snapshot once it outgrows the snapshot, and at least this. */
const MIN_COMPACTION_BYTES = 1 << 20;

/**
 * The simulator's machines in the connection's data directory: a snapshot
 * (`local-sim.json`, replaced atomically: temporary file, then rename) and a
 * journal after it (`local-sim.<generation>.log`, one JSON line per write
 * with the domains changed since the line before). A write appends only what
 * changed, so its cost follows the changes, not the number of machines; once
 * the journal outgrows the snapshot, and on close, a new snapshot of the next
 * generation replaces both. A line cut short by a crash is the end of the
 * journal; an older journal than the snapshot is left over from a crash
 * during a compaction and is removed. One writer per site: another process
 * may read it, and sees what changed since it last looked (`changedElsewhere`).
 */
export class SimStateFile {
  readonly path: string;
  readonly #dataDir: string;
  /** The domains changed since the last write; the objects are read when the write starts. */
  readonly #changed = new Map<string, SimDomain>();
  #generation = 0;
  #journalBytes = 0;
  #snapshotBytes = 0;
  #writing: Promise<void> = Promise.resolve();
  #queued: Promise<void> | null = null;
  #directory: Promise<void> | null = null;
  /** Whether this simulator saved anything: one that only read must not replace what another process wrote. */
  #saved = false;
  /** The snapshot as this simulator last read or wrote it (its inode: a compaction replaces the file). */
  #snapshotInode: number | null = null;

  /** `minCompactionBytes`: the least journal size that is folded into a snapshot (tests set it low). */
  constructor(
    dataDir: string,
    private readonly minCompactionBytes = MIN_COMPACTION_BYTES,
  ) {
    this.#dataDir = dataDir;
    this.path = join(dataDir, 'local-sim.json');
  }

  /** The saved state, snapshot and journal together, or null when nothing was saved yet. */
  async load(): Promise<SimSnapshot | null> {
    const snapshot = await this.#loadSnapshot();
    this.#generation = snapshot?.generation ?? 0;
    const domains = new Map(snapshot?.domains.map((domain) => [domain.ref, domain]));
    let random = snapshot?.random;
    const lines = await this.#readJournal();
    for (const line of lines) {
      random = line.random;
      for (const domain of line.domains) domains.set(domain.ref, domain);
    }
    await this.#removeOldJournals();
    if (random === undefined) return null;
    return { random, domains: [...domains.values()] };
  }

  /**
   * Records that `domain` changed and writes it after the write under way.
   * Changes made while a write is under way share the next one: one append
   * covers every change made before it. `state` gives the whole state, for
   * when the journal is folded into a snapshot.
   */
  save(domain: SimDomain, state: () => SimSnapshot): Promise<void> {
    this.#saved = true;
    this.#changed.set(domain.ref, domain);
    this.#queued ??= this.#writing.then(async () => {
      // A short pause lets the changes of a burst share one write.
      await new Promise((resolve) => setTimeout(resolve, WRITE_SPACING_MS));
      this.#queued = null;
      await this.#ensureDirectory();
      const whole = state();
      if (this.#journalBytes >= Math.max(this.minCompactionBytes, this.#snapshotBytes)) {
        await this.#compact(whole);
      } else {
        await this.#append(whole.random);
      }
    });
    const write = this.#queued;
    this.#writing = write.catch(() => {});
    return write;
  }

  /** Resolves once every write asked for so far is done. */
  flush(): Promise<void> {
    return this.#writing;
  }

  /**
   * Whether another process wrote the site since this simulator last read or
   * wrote it (another snapshot, or a journal of another length): an API
   * server reads what the `levante worker` beside it writes.
   */
  async changedElsewhere(): Promise<boolean> {
    await this.flush();
    const [snapshot, journal] = await Promise.all([
      stat(this.path).catch(ignoreMissing),
      stat(this.#journalPath(this.#generation)).catch(ignoreMissing),
    ]);
    return (snapshot?.ino ?? null) !== this.#snapshotInode || (journal?.size ?? 0) !== this.#journalBytes;
  }

  /** After the writes under way, folds the journal into a snapshot: a closed simulator leaves one file. */
  async close(state: () => SimSnapshot): Promise<void> {
    await this.flush();
    if (!this.#saved || this.#journalBytes === 0) return;
    this.#writing = this.#compact(state());
    await this.#writing;
  }

  async #append(random: number): Promise<void> {
    const line = `${JSON.stringify({ random, domains: [...this.#changed.values()] })}\n`;
    this.#changed.clear();
    await appendFile(this.#journalPath(this.#generation), line, { mode: 0o600 });
    this.#journalBytes += Buffer.byteLength(line);
  }

  async #compact(state: SimSnapshot): Promise<void> {
    this.#changed.clear();
    const previous = this.#generation;
    const text = `${JSON.stringify({ version: 2, generation: previous + 1, ...state })}\n`;
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, this.path);
    this.#snapshotInode = (await stat(this.path)).ino;
    this.#generation = previous + 1;
    this.#snapshotBytes = Buffer.byteLength(text);
    this.#journalBytes = 0;
    await unlink(this.#journalPath(previous)).catch(ignoreMissing);
  }

  async #loadSnapshot(): Promise<z.infer<typeof snapshotSchema> | null> {
    // The inode before the text: should the file be replaced in between, the next look sees a change.
    this.#snapshotInode = (await stat(this.path).catch(ignoreMissing))?.ino ?? null;
    const text = await readFile(this.path, 'utf8').catch(ignoreMissing);
    if (text === undefined) return null;
    this.#snapshotBytes = Buffer.byteLength(text);
    try {
      return snapshotSchema.parse(JSON.parse(text));
    } catch (error) {
      throw this.#unreadable(this.path, error);
    }
  }

  async #readJournal(): Promise<z.infer<typeof journalLineSchema>[]> {
    const path = this.#journalPath(this.#generation);
    const text = await readFile(path, 'utf8').catch(ignoreMissing);
    this.#journalBytes = 0;
    if (text === undefined) return [];
    this.#journalBytes = Buffer.byteLength(text);
    const lines = text.split('\n');
    // The text after the last newline is a line a crash cut short (or nothing).
    lines.pop();
    try {
      return lines.map((line) => journalLineSchema.parse(JSON.parse(line)));
    } catch (error) {
      throw this.#unreadable(path, error);
    }
  }

  /**
   * Removes journals older than the snapshot (left by a crash during a
   * compaction). A newer one is another process's, written after a snapshot
   * this one has not read yet: it stays.
   */
  async #removeOldJournals(): Promise<void> {
    const names = await readdir(this.#dataDir).catch(ignoreMissing);
    for (const name of names ?? []) {
      const generation = /^local-sim\.(\d+)\.log$/.exec(name)?.[1];
      if (generation !== undefined && Number(generation) < this.#generation) {
        await unlink(join(this.#dataDir, name)).catch(ignoreMissing);
      }
    }
  }

  #journalPath(generation: number): string {
    return join(this.#dataDir, `local-sim.${generation}.log`);
  }

  #ensureDirectory(): Promise<void> {
    // Made once; asked again should that fail.
    this.#directory ??= mkdir(dirname(this.path), { recursive: true }).then(
      () => {},
      (error: unknown) => {
        this.#directory = null;
        throw error;
      },
    );
    return this.#directory;
  }

  #unreadable(path: string, cause: unknown): ConnectorError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new ConnectorError(
      'ProviderUnavailable',
      `The local site's simulator cannot read its state file ${path}: ${reason}`,
      { cause },
    );
  }
}

function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}
