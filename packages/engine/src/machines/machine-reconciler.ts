import type { MachineInfo } from '@levante/connector-api';
import {
  anyOf,
  type Database,
  jobs,
  liveMachine,
  locations,
  type MachineRow,
  machines,
  providerAccounts,
  providers,
} from '@levante/db';
import { holdsResources, type MachineState, notFound, TRANSITIONAL_STATES } from '@levante/domain';
import { and, eq, inArray, isNotNull, isNull, lt, ne, notExists, or, type SQL, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { EventInput } from '../events/event-log.ts';
import type { HeldShare, HostIndexCache } from '../hosts/host-index-cache.ts';
import { addShare, type HostShare, occupyHost, releaseHosts } from '../hosts/host-placement.ts';
import type { ConnectorPool } from '../providers/connector-pool.ts';
import { providerError } from '../providers/provider-errors.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { writeMachines } from './machine-convergence.ts';
import { machineSummary, reportedStateEvent } from './machine-view.ts';
import { MARK_MANAGED_JOB } from './mark-managed.job.ts';

/** What one pass over an account found. */
export interface Reconciliation {
  /** Machines compared with the provider: those no job of Levante's is working on. */
  readonly checked: number;
  /** Machines whose state Levante corrected to what the provider reports. */
  readonly changed: number;
}

/** How many due accounts one periodic round takes (the others wait for the next round). */
const ACCOUNTS_PER_ROUND = 20;
const ACTIVE_JOB_STATES = ['queued', 'running'] as const;

/** A job working on the machine's state (tagging it at the provider does not): its machine is left to it. */
const workingOn = (machine: SQL) =>
  and(machine, inArray(jobs.state, ACTIVE_JOB_STATES), ne(jobs.kind, MARK_MANAGED_JOB));

/** A machine whose provider reports another state than Levante's record. */
interface Drift {
  readonly machine: MachineRow;
  readonly observed: MachineState;
  readonly info: MachineInfo | null;
}

/**
 * Detects drift (DESIGN §4.5): lists each account's machines at its provider
 * and corrects Levante's record of those that were stopped, started, or
 * deleted outside Levante, or whose addresses changed there, with an event
 * each, giving host capacity back (or taking it again) as the state
 * requires. Machines that a job is working on are the job's: they are left
 * alone, and a write checks, with the machine locked, that neither a job nor
 * an action came in since the provider was asked. Every `intervalMs`, each
 * account is reconciled by one of the installation's workers (the first to
 * claim it); `reconcile` runs a pass at once.
 */
export class MachineReconciler {
  #timer: NodeJS.Timeout | null = null;
  #round: Promise<void> = Promise.resolve();
  /** Aborts the provider calls of the round under way when the reconciler stops. */
  #stopping = new AbortController();

  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly pool: ConnectorPool,
    private readonly hostIndexes: HostIndexCache,
    private readonly logger: Logger,
    /** 0: only when asked. */
    private readonly intervalMs: number,
  ) {}

  /** Reconciles the accounts that are due, now and every few seconds, until `stop`. */
  start(): void {
    if (this.intervalMs <= 0 || this.#timer) return;
    this.#stopping = new AbortController();
    let busy = false;
    const round = () => {
      // A round slower than the tick is not queued behind: the next tick looks again.
      if (busy) return;
      busy = true;
      this.#round = this.#reconcileDue().finally(() => {
        busy = false;
      });
    };
    this.#timer = setInterval(round, Math.max(1_000, Math.min(this.intervalMs / 4, 15_000)));
    this.#timer.unref();
    round();
  }

  /** Stops the rounds and waits for the one under way. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#stopping.abort(new Error('The reconciler is stopping.'));
    await this.#round;
  }

  /** Reconciles the account of one machine, to learn what became of it; nothing for a machine of no account. */
  async reconcileAccountOf(machineId: string): Promise<void> {
    const [machine] = await this.db
      .select({ accountId: machines.accountId })
      .from(machines)
      .where(eq(machines.id, machineId));
    if (machine?.accountId) await this.reconcile(machine.accountId);
  }

  /**
   * Compares the account's machines with the provider's and corrects those
   * that changed outside Levante. Notes when it ran and, should the provider
   * fail, why (PROVIDER_ERROR, also thrown).
   */
  async reconcile(accountId: string, signal?: AbortSignal): Promise<Reconciliation> {
    const [found] = await this.db
      .select({ provider: providers })
      .from(providerAccounts)
      .innerJoin(providers, eq(providers.id, providerAccounts.providerId))
      .where(eq(providerAccounts.id, accountId));
    if (!found) throw notFound('Provider account');
    const ask = async <T>(call: () => Promise<T>): Promise<T> => {
      try {
        return await call();
      } catch (error) {
        // Stopped, not failed: nothing to tell about the provider.
        if (signal?.aborted) throw error;
        const failure = providerError(found.provider.name, error);
        await this.#note(accountId, failure.message);
        throw failure;
      }
    };
    const { checked, drifts } = await this.#compare(accountId, ask, signal);
    const changed = drifts.length > 0 ? await this.#write(drifts) : 0;
    await this.#note(accountId, null);
    if (changed > 0) this.logger.info({ accountId, checked, changed }, 'machines changed outside Levante');
    return { checked, changed };
  }

  async #reconcileDue(): Promise<void> {
    try {
      // Claimed by moving reconciled_at forward: another worker skips what this one took.
      const claimed = await this.db
        .update(providerAccounts)
        .set({ reconciledAt: sql`now()` })
        .where(
          inArray(
            providerAccounts.id,
            this.db
              .select({ id: providerAccounts.id })
              .from(providerAccounts)
              .where(
                or(
                  isNull(providerAccounts.reconciledAt),
                  lt(
                    providerAccounts.reconciledAt,
                    sql`now() - ${`${this.intervalMs} milliseconds`}::interval`,
                  ),
                ),
              )
              .orderBy(sql`${providerAccounts.reconciledAt} nulls first`)
              .limit(ACCOUNTS_PER_ROUND)
              .for('update', { skipLocked: true }),
          ),
        )
        .returning({ id: providerAccounts.id });
      const { signal } = this.#stopping;
      for (const { id } of claimed) {
        if (signal.aborted) break;
        await this.reconcile(id, signal).catch((error: unknown) => {
          if (signal.aborted) return;
          this.logger.warn({ err: error, accountId: id }, 'reconciling an account failed');
        });
      }
    } catch (error) {
      this.logger.error({ err: error }, 'reconciling accounts failed');
    }
  }

  /**
   * Asks the provider (each call through `ask`, which notes its failure), then
   * answers the machines whose state differs from Levante's record.
   */
  async #compare(
    accountId: string,
    ask: <T>(call: () => Promise<T>) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<{ checked: number; drifts: Drift[] }> {
    const connector = await ask(() => this.pool.forAccount(accountId));
    const listed = await ask(async () => {
      const byRef = new Map<string, MachineInfo>();
      for await (const info of connector.listMachines(undefined, { signal })) byRef.set(info.ref, info);
      return byRef;
    });
    const candidates = await this.db
      .select({ machine: machines, location: locations.ref })
      .from(machines)
      .innerJoin(locations, eq(locations.id, machines.locationId))
      .where(
        and(
          eq(machines.accountId, accountId),
          liveMachine,
          isNotNull(machines.providerRef),
          notExists(
            this.db
              .select({ id: jobs.id })
              .from(jobs)
              .where(workingOn(eq(jobs.machineId, machines.id))),
          ),
        ),
      );
    const drifts: Drift[] = [];
    for (const { machine, location } of candidates) {
      const ref = machine.providerRef!;
      // A listing can miss a machine (a region that did not answer, a page): ask for it alone
      // before calling it gone.
      const info = listed.get(ref) ?? (await ask(() => connector.getMachine({ ref, location }, { signal })));
      const observed: MachineState = info?.state ?? 'DELETED';
      if (observed === machine.state) {
        // Same state, other addresses (a DHCP lease renewed, an address attached at the provider).
        if (info && !sameAddresses(info.addresses, machine.addresses))
          drifts.push({ machine, observed, info });
        continue;
      }
      // On its way somewhere: the next pass sees where it ends.
      if (TRANSITIONAL_STATES.has(observed)) continue;
      // A failed machine the provider no longer has stays in ERROR, with its reason, until deleted.
      if (observed === 'DELETED' && machine.state === 'ERROR') continue;
      drifts.push({ machine, observed, info });
    }
    return { checked: candidates.length, drifts };
  }

  /** Writes the drifts that still hold once their machines are locked; answers how many. */
  async #write(drifts: readonly Drift[]): Promise<number> {
    const freed: HeldShare[] = [];
    let occupied = false;
    const changed = await this.uow.run(
      async (tx, _record, recordAll) => {
        freed.length = 0;
        occupied = false;
        const ids = drifts.map((d) => d.machine.id).sort();
        const rows = await tx
          .select()
          .from(machines)
          .where(anyOf(machines.id, ids))
          .orderBy(machines.id)
          .for('update');
        // After the locks: a job enqueued since the provider was asked is seen here.
        const busy = await tx
          .select({ machineId: jobs.machineId })
          .from(jobs)
          .where(workingOn(anyOf(jobs.machineId, ids)));
        const current = new Map(rows.map((row) => [row.id, row]));
        const working = new Set(busy.map((b) => b.machineId));
        const released = new Map<string, HostShare>();
        const written: MachineRow[] = [];
        const events: EventInput[] = [];
        const now = new Date();
        for (const { machine, observed, info } of drifts) {
          const before = current.get(machine.id);
          // Levante acted on it since it was read: what the provider said is already history.
          if (!before || working.has(before.id) || before.updatedAt.getTime() !== machine.updatedAt.getTime())
            continue;
          const after: MachineRow = {
            ...before,
            state: observed,
            error: observed === 'ERROR' ? (info?.error ?? 'The provider reports an error.') : null,
            addresses: info && observed !== 'DELETED' ? [...info.addresses] : [],
            updatedAt: now,
          };
          const held = holdsResources(before.state as MachineState);
          if (before.hostId && held && !holdsResources(observed)) {
            addShare(released, before.hostId, before);
            freed.push({ hostId: before.hostId, share: before });
          }
          if (before.hostId && !held && holdsResources(observed)) {
            // It runs there whatever the host's allocation says: the allocation follows.
            await occupyHost(tx, before.hostId, before);
            occupied = true;
          }
          written.push(after);
          if (before.state === observed) {
            events.push({
              type: 'machine.addresses_changed',
              actor: null,
              projectId: before.projectId,
              subjectType: 'Machine',
              subjectId: before.id,
              summary: `Machine ${before.name}'s addresses changed outside Levante: ${after.addresses.join(', ') || 'none'}.`,
              before: { addresses: before.addresses },
              after: { ...machineSummary(after), addresses: after.addresses, outsideLevante: true },
            });
            continue;
          }
          events.push(
            reportedStateEvent(
              before,
              after,
              observed === 'DELETED'
                ? `Machine ${before.name} was deleted outside Levante.`
                : `Machine ${before.name} is ${observed}: it was changed outside Levante.`,
              { outsideLevante: true },
            ),
          );
        }
        await Promise.all([releaseHosts(tx, released), writeMachines(tx, written), recordAll(events)]);
        return written.length;
      },
      async () => {
        await this.hostIndexes.release(freed);
        if (occupied) this.hostIndexes.invalidate();
      },
    );
    return changed;
  }

  async #note(accountId: string, error: string | null): Promise<void> {
    await this.db
      .update(providerAccounts)
      .set({ reconciledAt: sql`now()`, reconcileError: error })
      .where(eq(providerAccounts.id, accountId));
  }
}

/** Whether two lists hold the same addresses, in any order. */
function sameAddresses(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((address) => set.has(address));
}
