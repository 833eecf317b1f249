import type { Executor, HostRow } from '@levante/db';
import { HostIndex } from '@levante/scheduler';
import { type HostShare, loadHostCandidates } from './host-placement.ts';

/** How long a location's index is trusted without a look at the database. */
const MAX_AGE_MS = 30_000;

/** One location's hosts, indexed for placement, with their rows as loaded. */
export interface LocationHosts {
  readonly index: HostIndex;
  readonly rows: ReadonlyMap<string, HostRow>;
  readonly loadedAt: number;
}

/**
 * The scheduler's HostIndex of each location, kept between creates so that a
 * placement does not read and scan every host of the location (issue #4:
 * 10,000 hosts). The database stays the truth: a create claims its host with a
 * conditional update, which also refuses a host that has left service, so an
 * index that another replica made stale costs a retry, never an overcommit.
 * This process keeps it current itself: creates claim in it as they place,
 * convergence gives capacity back to it after commit, and whatever else
 * changes hosts (registration, ratios, maintenance, migrations, a create batch
 * that failed) drops it, to be read again on next use. It is also read again
 * after `MAX_AGE_MS`, to see what other replicas changed.
 */
export class HostIndexCache {
  readonly #locations = new Map<string, Promise<LocationHosts>>();

  constructor(private readonly maxAgeMs = MAX_AGE_MS) {}

  /** The location's hosts, read with `tx` when not held or too old; `read`: this call read them. */
  async get(tx: Executor, locationId: string): Promise<{ hosts: LocationHosts; read: boolean }> {
    const held = this.#locations.get(locationId);
    if (held) {
      const hosts = await held.catch(() => null);
      if (hosts && Date.now() - hosts.loadedAt < this.maxAgeMs && this.#locations.get(locationId) === held) {
        return { hosts, read: false };
      }
    }
    const loading = load(tx, locationId);
    this.#locations.set(locationId, loading);
    loading.catch(() => {
      if (this.#locations.get(locationId) === loading) this.#locations.delete(locationId);
    });
    return { hosts: await loading, read: true };
  }

  /** Gives back what each machine held on its host, once the transaction that released it committed. */
  async release(machines: readonly { readonly hostId: string; readonly share: HostShare }[]): Promise<void> {
    if (machines.length === 0) return;
    for (const held of this.#locations.values()) {
      const hosts = await held.catch(() => null);
      if (!hosts) continue;
      for (const { hostId, share } of machines) {
        const row = hosts.rows.get(hostId);
        if (row) hosts.index.release(hostId, { ...share, location: row.locationId, hypervisors: [] });
      }
    }
  }

  /** Forgets every location's index (hosts changed in a way only the database knows). */
  invalidate(): void {
    this.#locations.clear();
  }
}

async function load(tx: Executor, locationId: string): Promise<LocationHosts> {
  const loaded = await loadHostCandidates(tx, locationId);
  return {
    index: new HostIndex(loaded),
    rows: new Map(loaded.map((host) => [host.id, host.row])),
    loadedAt: Date.now(),
  };
}
