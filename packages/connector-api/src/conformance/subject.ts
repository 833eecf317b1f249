import type { ConnectContext, ConnectorFactory, Hypervisor, MachineRef } from '../contract.ts';

/** What a connector's conformance test hands the kit: a factory, a live peer, and names that exist there. */
export interface ConformanceSubject {
  readonly factory: ConnectorFactory;
  /** Valid credentials and settings for the peer. */
  readonly context: ConnectContext;
  /** Credentials the schema accepts but the peer refuses: validate() must throw AuthError. */
  readonly badCredentials: unknown;
  /** A location of the peer where the machine is created. */
  readonly location: string;
  /** An image of `location` that the machine boots from. */
  readonly imageRef: string;
  /** A configuration (flavor) of `location`. */
  readonly configurationRef: string;
  /** The host Levante's scheduler would choose, for connectors with `capabilities.hosts`. */
  readonly host?: { readonly ref: string; readonly hypervisor: Hypervisor } | null;
  /**
   * Another host of `location` the machine can move to (same hypervisor as
   * `host`). With it, a connector with `capabilities.migrate` migrates the
   * machine there; without it, the migration tests are skipped.
   */
  readonly migrationHost?: string | null;
  /**
   * Creates a machine on the peer outside Levante (no managed id), in `location`.
   * Without it, the test that inventory lists unmanaged machines is skipped.
   */
  createUnmanaged?(): Promise<MachineRef>;
  /** How long a machine may take to converge after a create or an action. */
  readonly timeoutMs: number;
  /** Stops the peer and removes what the subject created (unmanaged machines included). */
  teardown(): Promise<void>;
}
