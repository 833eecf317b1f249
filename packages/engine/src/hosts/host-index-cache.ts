import { randomUUID } from 'node:crypto';
import type { Executor, HostRow } from '@levante/db';
import { HostIndex } from '@levante/scheduler';
import type { Channel } from '../event-bus/channel.ts';
import { type HostShare, loadHostCandidates } from './host-placement.ts';

/** How long a location's index is trusted without a look at the database. */
const MAX_AGE_MS = 30_000;

/** One location's hosts, indexed for placement, with their rows as loaded. */
export interface LocationHosts {
  readonly index: HostIndex;
  readonly rows: ReadonlyMap<string, HostRow>;
  readonly loadedAt: number;
}

/** What a machine held on its host. */
export interface HeldShare {
  readonly hostId: string;
  readonly share: HostShare;
}

/**
 * What one process tells the others' indexes, after commit: capacity it gave
 * back, or that hosts changed in a way only the database knows.
 */
export type HostNews =
  | { readonly origin: string; readonly released: readonly HeldShare[] }
  | { readonly origin: string; readonly reread: true };

/**
 * The scheduler's HostIndex of each location, kept between creates so that a
 * placement does not read and scan every host of the location (issue #4:
 * 10,000 hosts). The database stays the truth: a create claims its host with a
 * conditional update, which also refuses a host that has left service, so an
 * index that another process made stale costs a retry, never an overcommit.
 *
 * This process keeps it current itself: creates claim in it as they place,
 * convergence gives capacity back to it after commit, and whatever else
 * changes hosts (registration, ratios, maintenance, migrations) drops it, to
 * be read again on next use. The other processes (API replicas, `levante
 * worker`s, which delete and migrate machines) hear of the last two on the
 * `news` channel. Claims are not told: an index that misses another
 * process's claim only hopes for too much, which the database's claim
 * corrects, while one that counted a claim twice (heard after reading hosts
 * that already held it) would refuse capacity that exists. The index is also
 * read again after `MAX_AGE_MS`, for those claims and for news lost on the way.
 */
export class HostIndexCache {
  readonly #locations = new Map<string, Promise<LocationHosts>>();
  /** Tells this process's news from the others' (Redis hands a process its own messages too). */
  readonly #origin = randomUUID();
  readonly #stopListening: () => void;

  constructor(
    private readonly news: Channel<HostNews>,
    private readonly onError: (error: unknown) => void,
    private readonly maxAgeMs = MAX_AGE_MS,
  ) {
    this.#stopListening = news.subscribe((heard) => {
      if (heard.origin === this.#origin) return;
      if ('reread' in heard) this.#locations.clear();
      else this.#release(heard.released).catch(onError);
    });
  }

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
  async release(machines: readonly HeldShare[]): Promise<void> {
    if (machines.length === 0) return;
    await this.#release(machines);
    const released = machines.map(({ hostId, share: { vcpus, memoryMiB, diskGiB } }) => ({
      hostId,
      share: { vcpus, memoryMiB, diskGiB },
    }));
    this.#tell({ origin: this.#origin, released });
  }

  /** Hosts changed in a way only the database knows: every process reads them again. */
  invalidate(): void {
    this.forget();
    this.#tell({ origin: this.#origin, reread: true });
  }

  /** Forgets this process's indexes: they may hold claims of a transaction that did not commit. */
  forget(): void {
    this.#locations.clear();
  }

  close(): void {
    this.#stopListening();
  }

  async #release(machines: readonly HeldShare[]): Promise<void> {
    for (const held of this.#locations.values()) {
      const hosts = await held.catch(() => null);
      if (!hosts) continue;
      for (const { hostId, share } of machines) {
        const row = hosts.rows.get(hostId);
        if (row) hosts.index.release(hostId, { ...share, location: row.locationId, hypervisors: [] });
      }
    }
  }

  /** News lost on the way costs only freshness, until the next read after `MAX_AGE_MS`. */
  #tell(news: HostNews): void {
    this.news.publish(news).catch(this.onError);
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
