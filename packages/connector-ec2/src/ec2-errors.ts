import { ConnectorError, type ConnectorErrorKind } from '@levante/connector-api';

/** Where an error happened, and the secrets its message must never show. */
export interface Ec2ErrorContext {
  readonly region: string;
  /** The EC2 operation, e.g. 'RunInstances'. */
  readonly operation: string;
  readonly secrets: readonly string[];
}

/** EC2 error codes (the `name` of an SDK error) → kinds; prefixes end with a dot. */
const KIND_OF_CODE: Readonly<Record<string, ConnectorErrorKind>> = {
  AuthFailure: 'AuthError',
  InvalidClientTokenId: 'AuthError',
  SignatureDoesNotMatch: 'AuthError',
  UnauthorizedOperation: 'AuthError',
  UnrecognizedClientException: 'AuthError',
  InvalidAccessKeyId: 'AuthError',
  ExpiredToken: 'AuthError',
  OptInRequired: 'AuthError',
  Blocked: 'AuthError',
  'InvalidInstanceID.': 'NotFound',
  'InvalidAMIID.': 'InvalidRequest',
  RequestLimitExceeded: 'Throttled',
  Throttling: 'Throttled',
  ThrottlingException: 'Throttled',
  TooManyRequestsException: 'Throttled',
  InstanceLimitExceeded: 'QuotaExceeded',
  VcpuLimitExceeded: 'QuotaExceeded',
  MaxSpotInstanceCountExceeded: 'QuotaExceeded',
  AddressLimitExceeded: 'QuotaExceeded',
  VolumeLimitExceeded: 'QuotaExceeded',
  InsufficientInstanceCapacity: 'CapacityError',
  InsufficientCapacity: 'CapacityError',
  InsufficientHostCapacity: 'CapacityError',
  InsufficientReservedInstanceCapacity: 'CapacityError',
  InsufficientFreeAddressesInSubnet: 'CapacityError',
  InternalError: 'ProviderUnavailable',
  InternalFailure: 'ProviderUnavailable',
  ServiceUnavailable: 'ProviderUnavailable',
  Unavailable: 'ProviderUnavailable',
};

/** Errors of the network under the SDK: the endpoint did not answer. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const NETWORK_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

const shapeOf = (error: unknown): SdkErrorShape =>
  typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export const isAbortError = (error: unknown): boolean => text(shapeOf(error).name) === 'AbortError';

/** The EC2 error code of an SDK service error, or '' for anything else. */
export function errorCodeOf(error: unknown): string {
  const shape = shapeOf(error);
  return typeof shape.$metadata?.httpStatusCode === 'number' ? text(shape.name) : '';
}

const known = (code: string): ConnectorErrorKind | undefined =>
  Object.hasOwn(KIND_OF_CODE, code) ? KIND_OF_CODE[code] : undefined;

/** The kind of an EC2 service error: by its code, else by who is at fault and the HTTP status. */
export function kindOfCode(code: string, httpStatus: number, fault?: unknown): ConnectorErrorKind {
  const dot = code.indexOf('.');
  const kind = known(code) ?? (dot > 0 ? known(code.slice(0, dot + 1)) : undefined);
  if (kind) return kind;
  if (httpStatus === 429) return 'Throttled';
  if (httpStatus === 401) return 'AuthError';
  if (fault === 'server' || httpStatus >= 500) return 'ProviderUnavailable';
  return 'InvalidRequest';
}

/** A provider message fit for people: one line, short, without any secret. */
export function sanitize(message: string, secrets: readonly string[]): string {
  let clean = message;
  for (const secret of secrets) if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  clean = clean.replace(/\s+/g, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 297)}…` : clean;
}

function messageFor(kind: ConnectorErrorKind, code: string, detail: string, context: Ec2ErrorContext) {
  const where = `EC2 in ${context.region}`;
  const because = detail ? `: ${detail}` : '';
  switch (kind) {
    case 'AuthError':
      return code === 'UnauthorizedOperation'
        ? `The credentials are not allowed to call ${context.operation} in ${context.region} (UnauthorizedOperation); grant ec2:${context.operation} to this IAM identity.`
        : `${where} refused the credentials (${code || 'unauthorized'}); check the access key id, the secret access key and the session token.`;
    case 'Throttled':
      return `${where} is throttling requests (${code || 'HTTP 429'}); try again in a moment.`;
    case 'QuotaExceeded':
      return `${where} refused ${context.operation} because an account limit is reached (${code})${because}`;
    case 'CapacityError':
      return `${where} has no capacity for this request right now (${code})${because}`;
    case 'ProviderUnavailable':
      return `${where} did not complete ${context.operation} (${code || 'no answer'})${because}`;
    default:
      return `${where} rejected ${context.operation} (${code || 'error'})${because}`;
  }
}

/**
 * Maps anything the SDK throws to a typed ConnectorError whose message is for
 * people: never the credentials, never a raw dump. The caller rethrows abort
 * errors itself.
 */
export function toConnectorError(error: unknown, context: Ec2ErrorContext): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const shape = shapeOf(error);
  const status = shape.$metadata?.httpStatusCode;
  const detail = sanitize(text(shape.message), context.secrets);
  if (typeof status === 'number') {
    const code = text(shape.name);
    const kind = kindOfCode(code, status, shape.$fault);
    // The provider's own words help only where they say what is wrong with the request.
    const shown = kind === 'AuthError' || kind === 'Throttled' ? '' : detail;
    return new ConnectorError(kind, messageFor(kind, code || `HTTP ${status}`, shown, context), {
      cause: error,
    });
  }
  const network = text(shape.code) || text(shape.name);
  if (NETWORK_CODES.has(network) || NETWORK_NAMES.has(network)) {
    return new ConnectorError(
      'ProviderUnavailable',
      `EC2 in ${context.region} could not be reached for ${context.operation} (${network}); check the endpoint and the network.`,
      { cause: error },
    );
  }
  return new ConnectorError(
    'ProviderUnavailable',
    `EC2 in ${context.region} gave an answer to ${context.operation} that Levante could not read${detail ? `: ${detail}` : '.'}`,
    { cause: error },
  );
}
