import { ConnectorError } from '@levante/connector-api';
import { LevanteError } from '@levante/domain';

/**
 * Turns what a connector threw into what a person reads. Connector messages
 * are written for people and carry no credentials (the contract says so).
 */
export function providerError(providerName: string, error: unknown): LevanteError {
  if (error instanceof LevanteError) return error;
  if (error instanceof ConnectorError) {
    const code = error.kind === 'QuotaExceeded' ? 'QUOTA_EXCEEDED' : 'PROVIDER_ERROR';
    return new LevanteError(code, `${providerName}: ${error.message}`, {
      details: { providerError: error.kind },
    });
  }
  return new LevanteError(
    'PROVIDER_ERROR',
    `${providerName} failed in an unexpected way; the error has been logged.`,
    {
      details: { providerError: 'Unexpected' },
    },
  );
}
