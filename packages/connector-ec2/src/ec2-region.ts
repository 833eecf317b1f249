import { EC2Client } from '@aws-sdk/client-ec2';
import { ConnectorError } from '@levante/connector-api';
import { isAbortError, toConnectorError } from './ec2-errors.ts';
import type { Ec2Credentials } from './settings.ts';

/** One page of a paginated EC2 answer. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken: string | undefined;
}

/**
 * Fetches page after page, passing each NextToken back, until EC2 gives none.
 * A token EC2 already gave means it is going round in circles: that fails.
 */
export async function* paginate<T>(
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
  what: string,
): AsyncGenerator<T> {
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    yield* page.items;
    token = page.nextToken || undefined;
    if (token !== undefined) {
      if (seen.has(token)) {
        throw new ConnectorError(
          'ProviderUnavailable',
          `${what} returned the same page twice; stopped paging.`,
        );
      }
      seen.add(token);
    }
  } while (token !== undefined);
}

export interface Ec2RegionOptions {
  readonly name: string;
  /** An EC2-compatible endpoint, or null for AWS itself. */
  readonly endpoint: string | null;
  readonly credentials: Ec2Credentials;
  /** Longest wait for one call, retries included. */
  readonly callTimeoutMs: number;
}

/**
 * The SDK client of one region, built once per connection. Every call goes
 * through `call`: it honours the caller's AbortSignal, gives up after the
 * call timeout, and maps what the SDK throws to a ConnectorError.
 */
export class Ec2Region {
  readonly name: string;
  readonly #client: EC2Client;
  readonly #callTimeoutMs: number;
  readonly #secrets: readonly string[];

  constructor(options: Ec2RegionOptions) {
    this.name = options.name;
    this.#callTimeoutMs = options.callTimeoutMs;
    const { accessKeyId, secretAccessKey, sessionToken } = options.credentials;
    this.#secrets = [secretAccessKey, ...(sessionToken ? [sessionToken] : [])];
    this.#client = new EC2Client({
      region: options.name,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      retryMode: 'adaptive',
      maxAttempts: 3,
      requestHandler: {
        connectionTimeout: Math.min(5_000, options.callTimeoutMs),
        requestTimeout: options.callTimeoutMs,
      },
    });
  }

  /**
   * Runs one EC2 operation. The caller's abort rejects with its AbortError as
   * is; the call timeout and every SDK error become ConnectorErrors.
   */
  async call<T>(
    operation: string,
    send: (client: EC2Client, options: { abortSignal: AbortSignal }) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.#callTimeoutMs);
    const abortSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await send(this.#client, { abortSignal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (timeout.aborted || isAbortError(error)) {
        throw new ConnectorError(
          'ProviderUnavailable',
          `EC2 in ${this.name} did not answer ${operation} within ${Math.round(this.#callTimeoutMs / 1000)} s.`,
          { cause: error },
        );
      }
      throw toConnectorError(error, { region: this.name, operation, secrets: this.#secrets });
    }
  }

  destroy(): void {
    this.#client.destroy();
  }
}
