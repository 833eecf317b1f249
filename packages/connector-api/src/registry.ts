import type { ConnectorFactory } from './contract.ts';

type Loader = () => Promise<ConnectorFactory>;

/**
 * Connectors by kind, loaded on first use so that a deployment pays only for
 * the SDKs it needs. An unknown kind is refused with the list of known ones.
 */
export class ConnectorRegistry {
  readonly #loaders = new Map<string, Loader>();
  readonly #loaded = new Map<string, Promise<ConnectorFactory>>();

  register(kind: string, loader: Loader): this {
    this.#loaders.set(kind, loader);
    return this;
  }

  kinds(): string[] {
    return [...this.#loaders.keys()].sort();
  }

  has(kind: string): boolean {
    return this.#loaders.has(kind);
  }

  get(kind: string): Promise<ConnectorFactory> {
    const loader = this.#loaders.get(kind);
    if (!loader) {
      return Promise.reject(
        new Error(`Unknown provider kind "${kind}". Known kinds: ${this.kinds().join(', ') || 'none'}.`),
      );
    }
    let factory = this.#loaded.get(kind);
    if (!factory) {
      factory = loader();
      this.#loaded.set(kind, factory);
    }
    return factory;
  }
}
