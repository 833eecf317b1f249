import { compareHosts } from '../scoring.ts';
import { compareEntries, type Entry, SORT_KEYS, type SortKey } from './entry.ts';

/** Entries per block, about: a block splits past twice this, and merges into a neighbour below a quarter. */
export const BLOCK_SIZE = 48;

/**
 * A run of consecutive entries of a sorted list, with, for every key, an entry
 * holding the least and the greatest value: enough to bound what any of its
 * hosts can score or whether any of them can fall short, without visiting them.
 */
export class Block {
  readonly entries: Entry[] = [];
  readonly lowest: Entry[] = [];
  readonly highest: Entry[] = [];
  /** The entry that comes first by the tie-break (name, id). */
  first!: Entry;
  /** The stamp of the placement that visited all its entries while counting rejections. */
  scanned = 0;

  refresh(): void {
    const [head, ...rest] = this.entries;
    if (!head) return;
    for (const key of SORT_KEYS) {
      this.lowest[key] = head;
      this.highest[key] = head;
    }
    this.first = head;
    for (const entry of rest) this.include(entry);
  }

  include(entry: Entry): void {
    for (const key of SORT_KEYS) {
      const value = entry.keys[key];
      if (value < this.lowest[key]!.keys[key]) this.lowest[key] = entry;
      if (value > this.highest[key]!.keys[key]) this.highest[key] = entry;
    }
    if (compareHosts(entry.host, this.first.host) < 0) this.first = entry;
  }

  /** Whether removing `entry` can change the extremes. */
  holdsExtreme(entry: Entry): boolean {
    return this.first === entry || this.lowest.includes(entry) || this.highest.includes(entry);
  }
}

/** A list of entries sorted by (key, name, id), cut into blocks: insert and remove cost a block, not the list. */
export class SortedBlocks {
  readonly blocks: Block[] = [];
  size = 0;

  constructor(readonly key: SortKey) {}

  insert(entry: Entry): void {
    const { blocks, key } = this;
    if (blocks.length === 0) blocks.push(new Block());
    // The first block whose last entry comes after the new one, or the last block.
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = blocks[mid]!;
      if (compareEntries(block.entries[block.entries.length - 1]!, entry, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    const block = blocks[lo]!;
    block.entries.splice(position(block.entries, entry, key), 0, entry);
    entry.block = block;
    if (block.entries.length === 1) block.refresh();
    else block.include(entry);
    this.size++;
    if (block.entries.length > 2 * BLOCK_SIZE) this.split(lo);
  }

  remove(entry: Entry): void {
    const block = entry.block;
    const at = position(block.entries, entry, this.key);
    if (block.entries[at] !== entry) throw new Error(`HostIndex lost track of host ${entry.host.id}`);
    block.entries.splice(at, 1);
    this.size--;
    if (block.entries.length < BLOCK_SIZE / 4) this.merge(block);
    else if (block.holdsExtreme(entry)) block.refresh();
  }

  private split(index: number): void {
    const block = this.blocks[index]!;
    const next = new Block();
    next.entries.push(...block.entries.splice(BLOCK_SIZE));
    for (const moved of next.entries) moved.block = next;
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
    for (const moved of block.entries) moved.block = neighbour;
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
