import { describe, expect, it } from 'vitest';
import { capabilitiesFor, variantsWith } from '../capabilities.ts';
import type { Capabilities, ConnectorFactory } from '../contract.ts';

const BASE: Capabilities = {
  pause: true,
  suspend: false,
  restart: true,
  capture: false,
  hosts: true,
  nativeSystems: false,
};

type Declared = Pick<ConnectorFactory, 'capabilities' | 'variantCapabilities' | 'variantOf' | 'stateMaps'>;

const plain: Declared = { capabilities: BASE, stateMaps: { only: {} } };
const byDriver: Declared = {
  capabilities: { ...BASE, migrate: true },
  variantCapabilities: { slow: { migrate: false }, fast: { suspend: true } },
  variantOf: (settings) => String(settings.driver ?? 'sim'),
  stateMaps: { sim: {}, slow: {}, fast: {} },
};

describe('capabilitiesFor', () => {
  it.each([
    ['a connector without migrate, any settings', plain, { driver: 'slow' }, { migrate: false, pause: true }],
    ['the default variant', byDriver, {}, { migrate: true, suspend: false }],
    ['a variant that cannot migrate', byDriver, { driver: 'slow' }, { migrate: false, suspend: false }],
    ['a variant that can suspend', byDriver, { driver: 'fast' }, { migrate: true, suspend: true }],
    ['an unknown variant', byDriver, { driver: 'other' }, { migrate: true, suspend: false }],
    ['no settings', byDriver, null, { migrate: true, suspend: false }],
  ] as const)('%s', (_case, factory, settings, expected) => {
    expect(capabilitiesFor(factory, settings)).toMatchObject(expected);
  });
});

describe('variantsWith', () => {
  it.each([
    ['a capability every variant shares', byDriver, 'hosts', null],
    ['a capability one variant lacks', byDriver, 'migrate', ['sim', 'fast']],
    ['a capability one variant adds', byDriver, 'suspend', ['fast']],
    ['a connector without variants', plain, 'migrate', null],
  ] as const)('%s', (_case, factory, capability, expected) => {
    expect(variantsWith(factory, capability)).toEqual(expected);
  });
});
