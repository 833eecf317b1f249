import { setTimeout as sleep } from 'node:timers/promises';
import type { Connector, MachineInfo, MachineRef } from '../contract.ts';

export interface PollOptions {
  readonly signal?: AbortSignal;
  /** First pause between two probes; doubles up to `maxDelayMs`. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
}

/** Thrown when a polled value did not converge in time; `last` is what was seen last. */
export class ConvergenceTimeoutError<T = unknown> extends Error {
  readonly last: T;

  constructor(message: string, last: T) {
    super(message);
    this.name = 'ConvergenceTimeoutError';
    this.last = last;
  }
}

export interface PollUntilOptions<T> extends PollOptions {
  /** Names what is awaited in the timeout message, e.g. 'Machine i-42'. */
  readonly what?: string;
  /** Says what was seen last, in the timeout message. */
  readonly describe?: (last: T) => string;
}

/**
 * Probes until `done` holds, pausing with exponential backoff between probes,
 * and returns the value that satisfied it. The first probe is immediate.
 */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  options: PollUntilOptions<T> = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = options.initialDelayMs ?? 10;
  const maxDelay = options.maxDelayMs ?? 1_000;
  for (;;) {
    options.signal?.throwIfAborted();
    const value = await probe();
    if (done(value)) return value;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const seen = options.describe ? options.describe(value) : String(value);
      throw new ConvergenceTimeoutError(
        `${options.what ?? 'The value'} did not converge within ${timeoutMs} ms; last seen: ${seen}.`,
        value,
      );
    }
    await sleep(Math.min(delay, remaining), undefined, { signal: options.signal });
    delay = Math.min(delay * 2, maxDelay);
  }
}

/** 'STARTED', 'ERROR (Host h1 failed…)', or 'no machine'. */
export const describeMachine = (machine: MachineInfo | null): string =>
  machine === null ? 'no machine' : `${machine.state}${machine.error ? ` (${machine.error})` : ''}`;

export interface WaitForStateOptions extends PollOptions {
  /** Called with every observation, e.g. to check the states a machine goes through. */
  readonly onObserve?: (machine: MachineInfo | null) => void;
}

/**
 * Polls getMachine until `predicate` holds for what it returns (null when the
 * provider does not know the machine), with backoff, for at most `timeoutMs`.
 * Throws ConvergenceTimeoutError naming the last state seen.
 */
export function waitForState(
  connector: Pick<Connector, 'getMachine'>,
  ref: MachineRef,
  predicate: (machine: MachineInfo | null) => boolean,
  timeoutMs: number,
  options: WaitForStateOptions = {},
): Promise<MachineInfo | null> {
  return pollUntil(
    async () => {
      const machine = await connector.getMachine(ref, { signal: options.signal });
      options.onObserve?.(machine);
      return machine;
    },
    predicate,
    timeoutMs,
    { ...options, what: `Machine ${ref.ref} in ${ref.location}`, describe: describeMachine },
  );
}
