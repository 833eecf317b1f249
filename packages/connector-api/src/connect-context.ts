import { type ZodType, z } from 'zod';
import { ConnectorError } from './connector-error.ts';
import type { ConnectContext } from './contract.ts';

export interface ContextSchemas<S extends ZodType, C extends ZodType> {
  readonly settingsSchema: S;
  readonly credentialsSchema: C;
  /** How people name the provider in messages, e.g. "The EC2 provider". */
  readonly provider: string;
  /** What valid credentials look like; the credentials themselves are never echoed. */
  readonly credentialsHint: string;
}

/**
 * A connection's settings and credentials, checked by the connector's own
 * schemas: bad settings are an InvalidRequest naming the fields, credentials
 * of the wrong shape an AuthError saying what is expected.
 */
export function readConnectContext<S extends ZodType, C extends ZodType>(
  context: ConnectContext,
  schemas: ContextSchemas<S, C>,
): { settings: z.output<S>; credentials: z.output<C> } {
  const settings = schemas.settingsSchema.safeParse(context.settings);
  if (!settings.success) {
    throw new ConnectorError(
      'InvalidRequest',
      `${schemas.provider}'s settings are invalid:\n${z.prettifyError(settings.error)}`,
    );
  }
  const credentials = schemas.credentialsSchema.safeParse(context.credentials);
  if (!credentials.success) throw new ConnectorError('AuthError', schemas.credentialsHint);
  return { settings: settings.data, credentials: credentials.data };
}
