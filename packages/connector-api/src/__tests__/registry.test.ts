import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../connector-error.ts';
import type { ConnectorFactory } from '../contract.ts';
import { ConnectorRegistry } from '../registry.ts';

const fakeFactory = (kind: string) => ({ kind }) as unknown as ConnectorFactory;

describe('ConnectorRegistry', () => {
  it('loads a kind once, on first use', async () => {
    let loads = 0;
    const registry = new ConnectorRegistry().register('local', async () => {
      loads++;
      return fakeFactory('local');
    });
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([registry.get('local'), registry.get('local')]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
  });

  it('refuses an unknown kind with the list of known ones', async () => {
    const registry = new ConnectorRegistry()
      .register('local', async () => fakeFactory('local'))
      .register('ec2', async () => fakeFactory('ec2'));
    await expect(registry.get('azure')).rejects.toThrow(
      'Unknown provider kind "azure". Known kinds: ec2, local.',
    );
  });
});

describe('ConnectorError', () => {
  it.each([
    ['Throttled', true],
    ['ProviderUnavailable', true],
    ['AuthError', false],
    ['CapacityError', false],
    ['NotSupported', false],
  ] as const)('%s is retryable: %s', (kind, retryable) => {
    const error = new ConnectorError(kind, 'message');
    expect(error.retryable).toBe(retryable);
    expect(error.name).toBe(kind);
  });
});
