/**
 * The typed errors every connector maps its provider's faults to, so that the
 * engine can decide what to retry and what to tell people.
 */
export const CONNECTOR_ERROR_KINDS = [
  'AuthError',
  'NotFound',
  'QuotaExceeded',
  'Throttled',
  'CapacityError',
  'ProviderUnavailable',
  'InvalidRequest',
  'NotSupported',
] as const;
export type ConnectorErrorKind = (typeof CONNECTOR_ERROR_KINDS)[number];

/** Kinds worth retrying later with the same idempotency key. */
const RETRYABLE: ReadonlySet<ConnectorErrorKind> = new Set(['Throttled', 'ProviderUnavailable']);

export class ConnectorError extends Error {
  readonly kind: ConnectorErrorKind;

  /** `message` is shown to people: no credential, no stack, no raw provider dump. */
  constructor(kind: ConnectorErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = kind;
    this.kind = kind;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

export const isConnectorError = (error: unknown): error is ConnectorError => error instanceof ConnectorError;
