import type { Capabilities, ConnectorFactory } from './contract.ts';

/** Every capability, in the order documentation lists them. */
export const CAPABILITY_NAMES = [
  'pause',
  'suspend',
  'restart',
  'capture',
  'hosts',
  'nativeSystems',
  'migrate',
] as const satisfies readonly (keyof Capabilities)[];
export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

/** Every capability spelled out: what a connector leaves out it cannot do. */
export type DeclaredCapabilities = Required<Capabilities>;

const complete = (capabilities: Capabilities): DeclaredCapabilities => ({ migrate: false, ...capabilities });

/**
 * What a provider registered with `settings` can do: the factory's
 * capabilities, overridden by those of the variant the settings select (the
 * local provider's driver). Without settings, the factory's own.
 */
export function capabilitiesFor(
  factory: Pick<ConnectorFactory, 'capabilities' | 'variantCapabilities' | 'variantOf'>,
  settings?: Readonly<Record<string, unknown>> | null,
): DeclaredCapabilities {
  const variant = settings && factory.variantOf ? factory.variantOf(settings) : null;
  const override = variant === null ? undefined : factory.variantCapabilities?.[variant];
  return complete({ ...factory.capabilities, ...override });
}

/** The variants that have `capability`, when they differ; null when every variant agrees with the factory. */
export function variantsWith(
  factory: Pick<ConnectorFactory, 'capabilities' | 'variantCapabilities' | 'stateMaps'>,
  capability: CapabilityName,
): string[] | null {
  const base = complete(factory.capabilities)[capability];
  const variants = Object.keys(factory.stateMaps);
  const values = variants.map((v) => factory.variantCapabilities?.[v]?.[capability] ?? base);
  if (values.every((value) => value === base)) return null;
  return variants.filter((_, i) => values[i]);
}
