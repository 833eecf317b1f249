/**
 * mulberry32: a small, fast PRNG whose whole state is one 32-bit integer, so
 * the simulator can persist it and carry on with the same sequence after a restart.
 */
export class SeededRandom {
  #state: number;

  constructor(state: number) {
    this.#state = state >>> 0;
  }

  /** The state to persist; `new SeededRandom(state)` continues the sequence. */
  get state(): number {
    return this.#state;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}
