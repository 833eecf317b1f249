import { compareHosts } from '../scoring.ts';
import { compareEntries, type Entry, type SortKey } from './entry.ts';

/** Entries per block, about: a block splits past twice this, and merges into a neighbour below a quarter. */
export const BLOCK_SIZE = 32;

/**
 * Least and greatest value of every key over some entries, with an entry
 * holding each: enough to bound what any of them can score, or to tell that
 * none falls short of a request, without visiting them.
 */
export class Extremes {
  readonly lo = new Float64Array(4);
  readonly hi = new Float64Array(4);
  readonly loAt: Entry[];
  readonly hiAt: Entry[];

  constructor(sample: Entry) {
    this.loAt = [sample, sample, sample, sample];
    this.hiAt = [sample, sample, sample, sample];
    this.reset();
  }

  reset(): void {
    this.lo.fill(Number.POSITIVE_INFINITY);
    this.hi.fill(Number.NEGATIVE_INFINITY);
  }

  include(entry: Entry): void {
    const { keys } = entry;
    for (let key = 0; key < 4; key++) {
      const value = keys[key]!;
      if (value < this.lo[key]!) {
        this.lo[key] = value;
        this.loAt[key] = entry;
      }
      if (value > this.hi[key]!) {
        this.hi[key] = value;
        this.hiAt[key] = entry;
      }
    }
  }

  merge(other: Extremes): void {
    for (let key = 0; key < 4; key++) {
      if (other.lo[key]! < this.lo[key]!) {
        this.lo[key] = other.lo[key]!;
        this.loAt[key] = other.loAt[key]!;
      }
      if (other.hi[key]! > this.hi[key]!) {
        this.hi[key] = other.hi[key]!;
        this.hiAt[key] = other.hiAt[key]!;
      }
    }
  }

  /** Whether removing `entry` can change these extremes. */
  heldBy(entry: Entry): boolean {
    const { loAt, hiAt } = this;
    for (let key = 0; key < 4; key++) if (loAt[key] === entry || hiAt[key] === entry) return true;
    return false;
  }
}

/** A run of consecutive entries of a sorted list, with their extremes. */
export class Block extends Extremes {
  readonly entries: Entry[] = [];
  private earliest: Entry | undefined;

  /** The entry that comes first by the tie-break (name, id); found when asked, as ties are rare. */
  get first(): Entry {
    if (!this.earliest) {
      let first = this.entries[0]!;
      for (const entry of this.entries) if (compareHosts(entry.host, first.host) < 0) first = entry;
      this.earliest = first;
    }
    return this.earliest;
  }

  override include(entry: Entry): void {
    super.include(entry);
    this.earliest = undefined;
  }

  /** Takes out the entry at `at`; the caller refreshes the extremes if it held one. */
  removeAt(at: number): void {
    this.entries.splice(at, 1);
    this.earliest = undefined;
  }

  refresh(): void {
    this.reset();
    this.earliest = undefined;
    for (const entry of this.entries) super.include(entry);
  }
}

/**
 * A list of entries sorted by (key, name, id), cut into blocks: an insert or a
 * remove costs a block, not the list. Keeps the extremes of the whole list too.
 */
export class SortedBlocks {
  readonly blocks: Block[] = [];
  size = 0;
  private all: Extremes | undefined;
  private stale = true;

  constructor(
    readonly key: SortKey,
    /** Which of an entry's `blocks` this list keeps up to date. */
    readonly slot: 0 | 1,
  ) {}

  /** The extremes over every entry; only asked of a list that has some. */
  get extremes(): Extremes {
    if (this.stale || !this.all) {
      this.all ??= new Extremes(this.blocks[0]!.entries[0]!);
      const all = this.all;
      all.reset();
      for (const block of this.blocks) all.merge(block);
      this.stale = false;
    }
    return this.all;
  }

  insert(entry: Entry): void {
    const { blocks, key } = this;
    if (blocks.length === 0) blocks.push(new Block(entry));
    // The first block whose last entry comes after the new one, or the last block.
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const entries = blocks[mid]!.entries;
      if (compareEntries(entries[entries.length - 1]!, entry, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    const block = blocks[lo]!;
    block.entries.splice(position(block.entries, entry, key), 0, entry);
    entry.blocks[this.slot] = block;
    if (block.entries.length === 1) block.refresh();
    else block.include(entry);
    this.size++;
    if (!this.stale) this.all?.include(entry);
    if (block.entries.length > 2 * BLOCK_SIZE) this.split(lo);
  }

  remove(entry: Entry): void {
    const block = entry.blocks[this.slot];
    const at = position(block.entries, entry, this.key);
    if (block.entries[at] !== entry) throw new Error(`HostIndex lost track of host ${entry.host.id}`);
    block.removeAt(at);
    this.size--;
    if (this.all?.heldBy(entry)) this.stale = true;
    if (block.entries.length < BLOCK_SIZE / 4) this.merge(block);
    else if (block.heldBy(entry)) block.refresh();
  }

  private split(index: number): void {
    const block = this.blocks[index]!;
    const next = new Block(block.entries[BLOCK_SIZE]!);
    next.entries.push(...block.entries.splice(BLOCK_SIZE));
    for (const moved of next.entries) moved.blocks[this.slot] = next;
    block.refresh();
    next.refresh();
    this.blocks.splice(index + 1, 0, next);
  }

  /** Folds a small block into a neighbour (which may then split again). */
  private merge(block: Block): void {
    const index = this.blocks.indexOf(block);
    const neighbour = this.blocks[index - 1] ?? this.blocks[index + 1];
    if (!neighbour) {
      if (block.entries.length === 0) this.blocks.splice(index, 1);
      else block.refresh();
      return;
    }
    const before = neighbour === this.blocks[index - 1];
    if (before) neighbour.entries.push(...block.entries);
    else neighbour.entries.unshift(...block.entries);
    for (const moved of block.entries) moved.blocks[this.slot] = neighbour;
    this.blocks.splice(index, 1);
    neighbour.refresh();
    const at = before ? index - 1 : index;
    if (neighbour.entries.length > 2 * BLOCK_SIZE) this.split(at);
  }
}

function position(entries: readonly Entry[], entry: Entry, key: SortKey): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(entries[mid]!, entry, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
