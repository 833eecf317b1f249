import { ConnectorError } from '@levante/connector-api';
import { describe, expect, it } from 'vitest';
import { sanitize, toConnectorError } from '../ec2-errors.ts';

const context = {
  region: 'eu-west-3',
  operation: 'RunInstances',
  secrets: ['s3cr3t-KEY-value', 'session-TOKEN'],
};

/** What the SDK throws for an EC2 error answer. */
const serviceError = (code: string, status: number, message = `${code} happened`, fault = 'client') =>
  Object.assign(new Error(message), { name: code, $fault: fault, $metadata: { httpStatusCode: status } });

const networkError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('ec2 error mapping', () => {
  it.each([
    ['AuthFailure', 401, 'AuthError'],
    ['InvalidClientTokenId', 403, 'AuthError'],
    ['SignatureDoesNotMatch', 403, 'AuthError'],
    ['UnauthorizedOperation', 403, 'AuthError'],
    ['ExpiredToken', 400, 'AuthError'],
    ['OptInRequired', 401, 'AuthError'],
    ['InvalidInstanceID.NotFound', 400, 'NotFound'],
    ['InvalidInstanceID.Malformed', 400, 'NotFound'],
    ['InvalidAMIID.NotFound', 400, 'InvalidRequest'],
    ['InvalidAMIID.Malformed', 400, 'InvalidRequest'],
    ['InvalidAMIID.Unavailable', 400, 'InvalidRequest'],
    ['RequestLimitExceeded', 503, 'Throttled'],
    ['Throttling', 400, 'Throttled'],
    ['InstanceLimitExceeded', 400, 'QuotaExceeded'],
    ['VcpuLimitExceeded', 400, 'QuotaExceeded'],
    ['InsufficientInstanceCapacity', 500, 'CapacityError'],
    ['InternalError', 500, 'ProviderUnavailable'],
    ['Unavailable', 503, 'ProviderUnavailable'],
    ['SomethingNewAtAws', 502, 'ProviderUnavailable'],
    ['SomethingNewAtAws', 429, 'Throttled'],
    ['InvalidParameterValue', 400, 'InvalidRequest'],
    ['IncorrectInstanceState', 400, 'InvalidRequest'],
    ['InvalidInstanceType.NotFound', 400, 'InvalidRequest'],
    ['IdempotentParameterMismatch', 400, 'InvalidRequest'],
    ['constructor', 400, 'InvalidRequest'],
  ])('%s (HTTP %i) → %s', (code, status, kind) => {
    const error = toConnectorError(serviceError(code, status), context);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.kind).toBe(kind);
    expect(error.message).toContain('eu-west-3');
  });

  it('treats an unknown server fault as the provider being unavailable', () => {
    expect(toConnectorError(serviceError('Oops', 400, 'x', 'server'), context).kind).toBe(
      'ProviderUnavailable',
    );
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN'])(
    'maps the network error %s to ProviderUnavailable',
    (code) => {
      const error = toConnectorError(networkError(code), context);
      expect(error.kind).toBe('ProviderUnavailable');
      expect(error.message).toContain(code);
    },
  );

  it.each([
    [
      'a request timeout',
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      'ProviderUnavailable',
    ],
    ['an answer that is not EC2 XML', new Error('Deserialization error: <html>'), 'ProviderUnavailable'],
    ['something that is not an error', 'boom', 'ProviderUnavailable'],
  ])('maps %s to %s', (_, thrown, kind) => {
    expect(toConnectorError(thrown, context).kind).toBe(kind);
  });

  it('keeps a ConnectorError as it is', () => {
    const original = new ConnectorError('NotSupported', 'no');
    expect(toConnectorError(original, context)).toBe(original);
  });

  it('keeps what the provider says about a bad request, without any secret', () => {
    const leaky = serviceError(
      'InvalidParameterValue',
      400,
      'Value s3cr3t-KEY-value for\nparameter   x is invalid (token session-TOKEN)',
    );
    const { message } = toConnectorError(leaky, context);
    expect(message).toBe(
      'EC2 in eu-west-3 rejected RunInstances (InvalidParameterValue): Value [redacted] for parameter x is invalid (token [redacted])',
    );
  });

  it.each(['AuthFailure', 'SignatureDoesNotMatch', 'UnauthorizedOperation', 'RequestLimitExceeded'])(
    'writes its own message for %s, never the provider text',
    (code) => {
      const error = toConnectorError(
        serviceError(code, 403, 'Encoded failure s3cr3t-KEY-value xyz'),
        context,
      );
      expect(error.message).not.toContain('s3cr3t');
      expect(error.message).not.toContain('Encoded');
      expect(error.message).toContain(code);
    },
  );

  it('shortens long provider messages', () => {
    expect(sanitize('x'.repeat(1000), [])).toHaveLength(298);
  });
});
