import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client/errors';

export interface ReadableError {
  /** `extensions.code` of the first GraphQL error, or NETWORK for transport failures. */
  readonly code: string;
  readonly message: string;
  /** The input field the error is about (`extensions.field`), when the API says. */
  readonly field: string | null;
}

const FALLBACK: Record<string, string> = {
  UNAUTHENTICATED: 'Your session has ended. Log in again.',
  FORBIDDEN: 'You are not allowed to do this.',
  NOT_FOUND: 'It does not exist, or you cannot see it.',
  INTERNAL_SERVER_ERROR: 'Levante hit an unexpected error; it has been logged. Try again.',
  RATE_LIMITED: 'Too many attempts. Wait a moment and try again.',
};

function fromGraphqlError(error: {
  message: string;
  extensions?: Record<string, unknown> | undefined;
}): ReadableError {
  const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'ERROR';
  const field = typeof error.extensions?.field === 'string' ? error.extensions.field : null;
  const retry = error.extensions?.retryAfterSeconds;
  let message = error.message || FALLBACK[code] || 'Something went wrong.';
  if (code === 'INTERNAL_SERVER_ERROR') message = FALLBACK.INTERNAL_SERVER_ERROR ?? message;
  if (code === 'RATE_LIMITED' && typeof retry === 'number') message = `${message} Try again in ${retry} s.`;
  return { code, message, field };
}

function graphqlErrorsOf(result: unknown): { message: string; extensions?: Record<string, unknown> }[] {
  if (typeof result !== 'object' || result === null || !('errors' in result)) return [];
  const { errors } = result as { errors: unknown };
  return Array.isArray(errors) ? (errors as { message: string; extensions?: Record<string, unknown> }[]) : [];
}

/** What to tell a person about a failed operation: never raw JSON. */
export function readableError(error: unknown): ReadableError {
  if (CombinedGraphQLErrors.is(error) && error.errors[0]) return fromGraphqlError(error.errors[0]);
  if (ServerError.is(error)) {
    let body: unknown = null;
    try {
      body = JSON.parse(error.bodyText);
    } catch {
      body = null;
    }
    const [first] = graphqlErrorsOf(body);
    if (first) return fromGraphqlError(first);
    return {
      code: 'NETWORK',
      message: `Levante answered with HTTP ${error.statusCode}. Try again in a moment.`,
      field: null,
    };
  }
  if (ServerParseError.is(error))
    return { code: 'NETWORK', message: 'Levante sent an answer the console cannot read.', field: null };
  if (error instanceof TypeError)
    return { code: 'NETWORK', message: 'Levante cannot be reached. Check that it is running.', field: null };
  if (error instanceof Error) return { code: 'ERROR', message: error.message, field: null };
  return { code: 'ERROR', message: 'Something went wrong.', field: null };
}

export function errorCode(error: unknown): string | null {
  return error ? readableError(error).code : null;
}
