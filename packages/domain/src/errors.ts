/**
 * The closed set of error codes Levante answers with. The API maps each one
 * to GraphQL `extensions.code` unchanged, so clients can switch on it.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'INVALID_STATE',
  'QUOTA_EXCEEDED',
  'PROVIDER_ERROR',
  'RATE_LIMITED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface LevanteErrorOptions {
  /** The input field at fault, for BAD_USER_INPUT and CONFLICT. */
  field?: string;
  /** Seconds after which the caller may try again, for RATE_LIMITED. */
  retryAfterSeconds?: number;
  /** Structured detail for programs, e.g. a placement explanation. */
  details?: Record<string, unknown>;
}

/** An error whose message is written for the person who will read it. */
export class LevanteError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: LevanteErrorOptions = {}) {
    super(message);
    this.name = 'LevanteError';
    this.code = code;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.details = options.details;
  }
}

export const unauthenticated = (message = 'You must log in first.') =>
  new LevanteError('UNAUTHENTICATED', message);
export const forbidden = (message: string) => new LevanteError('FORBIDDEN', message);
export const notFound = (what: string) => new LevanteError('NOT_FOUND', `${what} was not found.`);
export const badInput = (field: string, message: string) =>
  new LevanteError('BAD_USER_INPUT', message, { field });
export const conflict = (message: string, field?: string) =>
  new LevanteError('CONFLICT', message, field === undefined ? {} : { field });
export const invalidState = (message: string) => new LevanteError('INVALID_STATE', message);
