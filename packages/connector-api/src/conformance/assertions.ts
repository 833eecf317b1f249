import { expect } from 'vitest';
import { type ConnectorError, type ConnectorErrorKind, isConnectorError } from '../connector-error.ts';
import type { Connector } from '../contract.ts';

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Awaits `work` and returns what it rejected with; fails the test if it resolved. */
export async function rejectionOf(work: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    return error;
  }
  return expect.fail('expected the call to reject, but it resolved');
}

/** Asserts that `work` rejects with a ConnectorError of one of `kinds`, and returns it. */
export async function expectConnectorError(
  work: Promise<unknown> | (() => Promise<unknown>),
  kinds: readonly ConnectorErrorKind[],
): Promise<ConnectorError> {
  const error = await rejectionOf(work);
  if (!isConnectorError(error)) {
    return expect.fail(`expected a ConnectorError (${kinds.join(' or ')}), got ${String(error)}`);
  }
  expect(kinds, `ConnectorError "${error.message}"`).toContain(error.kind);
  expect(error.message.length, 'a ConnectorError has a message for people').toBeGreaterThan(0);
  return error;
}

/** The connector holder the suite fills in beforeAll, with a clear failure if connecting failed. */
export class LiveConnector {
  #connector: Connector | null = null;

  set(connector: Connector | null): void {
    this.#connector = connector;
  }

  get(): Connector {
    if (!this.#connector) throw new Error('The connector did not connect; see the error in beforeAll.');
    return this.#connector;
  }

  get connected(): boolean {
    return this.#connector !== null;
  }
}
