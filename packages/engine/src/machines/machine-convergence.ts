import { type Connector, ConnectorError, type MachineInfo, type MachineRef } from '@levante/connector-api';
import { anyOf, type MachineRow, machines, type Transaction } from '@levante/db';
import { holdsResources, type MachineState } from '@levante/domain';
import { sql } from 'drizzle-orm';
import { Batcher, type Settled } from '../batching/batcher.ts';
import type { EventInput } from '../events/event-log.ts';
import type { HeldShare, HostIndexCache } from '../hosts/host-index-cache.ts';
import { addShare, type HostShare, releaseHosts } from '../hosts/host-placement.ts';
import { type JobContext, LeaseLostError } from '../jobs/job-context.ts';
import type { JobOutcome, JobQueue } from '../jobs/job-queue.ts';
import { providerError } from '../providers/provider-errors.ts';
import type { UnitOfWork } from '../unit-of-work.ts';
import { reportedStateEvent } from './machine-view.ts';

export interface Outcome {
  readonly state: MachineState;
  readonly error: string | null;
  readonly info: MachineInfo | null;
}

/** One write of what the provider reported about a machine. */
interface MachineReport {
  readonly machineId: string;
  readonly jobId: string;
  readonly outcome: Outcome;
  /** The provider's id of the machine, when the job learnt it and has not stored it yet. */
  readonly providerRef: string | null;
  /**
   * `final` finishes the job with the write, fenced by its lease owner: a worker
   * that lost the lease writes nothing. `gaveUp`: the job has already failed.
   * `seen`: a state on the way, written only when it is new.
   */
  readonly kind: 'final' | 'gaveUp' | 'seen';
  readonly owner: string;
}

/**
 * Brings Levante's record of machines in line with their providers: polls a
 * provider until a machine converges, and writes each state it reports with
 * its event. Writes from all the jobs running at once are grouped into one
 * transaction (see Batcher), which is what lets a worker keep up with
 * hundreds of machines a second.
 */
export class MachineConvergence {
  readonly #reports = new Batcher<MachineReport, void>((reports) => this.#writeAll(reports));

  constructor(
    private readonly uow: UnitOfWork,
    private readonly queue: JobQueue,
    private readonly hostIndexes: HostIndexCache,
  ) {}

  /**
   * Polls the provider with backoff until the machine reaches `target` (or
   * ERROR, or disappears), recording every state it passes through. The first
   * look is immediate; `beforeWaiting` runs once, before the first wait.
   * Renews the job's lease on each round.
   */
  async waitFor(
    context: JobContext,
    connector: Connector,
    machine: MachineRow,
    ref: MachineRef,
    target: MachineState,
    beforeWaiting?: () => Promise<void>,
  ): Promise<Outcome> {
    const { initialMs, maxMs, timeoutMs } = context.polling;
    const deadline = Date.now() + timeoutMs;
    let wait = initialMs;
    let seen = machine.state as MachineState;
    for (let round = 1; ; round++) {
      const info = await connector.getMachine(ref, { signal: context.signal });
      if (!info) {
        return target === 'DELETED'
          ? { state: 'DELETED', error: null, info: null }
          : { state: 'ERROR', error: 'The provider no longer knows this machine.', info: null };
      }
      if (info.state === target || info.state === 'ERROR' || info.state === 'DELETED') {
        return {
          state: info.state,
          error: info.state === 'ERROR' ? (info.error ?? 'The provider reports an error.') : null,
          info,
        };
      }
      if (round === 1) await beforeWaiting?.();
      if (info.state !== seen) {
        seen = info.state;
        await this.#report(context, machine.id, { state: info.state, error: null, info }, 'seen');
      }
      if (!(await context.renew(Math.min(90, 30 + round * 5)))) throw new LeaseLostError();
      if (Date.now() > deadline) {
        return {
          state: 'ERROR',
          error: `The provider did not finish within ${Math.round(timeoutMs / 1000)} s.`,
          info,
        };
      }
      await sleep(wait, context.signal);
      wait = Math.min(maxMs, Math.round(wait * 1.5));
    }
  }

  /**
   * Writes the final state and finishes the job in one transaction, giving the
   * host's capacity back when the machine stops holding it. `providerRef` is
   * stored with it when the job has not stored it yet.
   */
  settle(context: JobContext, machineId: string, outcome: Outcome, providerRef: string | null = null) {
    return this.#reports.submit({
      machineId,
      jobId: context.job.id,
      outcome,
      providerRef,
      kind: 'final',
      owner: context.owner,
    });
  }

  /** Records what the provider refused, for people, and puts the machine in ERROR. */
  fail(context: JobContext, machineId: string, providerName: string, error: unknown) {
    return this.settle(context, machineId, {
      state: 'ERROR',
      error: providerError(providerName, error).message,
      info: null,
    });
  }

  /**
   * A job's `cancel` before any attempt: the provider was never asked, so the
   * machine goes back to the state it had (DELETED for one being created).
   */
  restore = (context: JobContext, state: MachineState): Promise<void> =>
    this.#report(context, context.job.machineId!, { state, error: null, info: null }, 'gaveUp');

  /** A job's `giveUp`: the job has already failed for good; its machine is left in ERROR with why. */
  leaveInError = (context: JobContext, reason: string): Promise<void> =>
    this.#report(context, context.job.machineId!, { state: 'ERROR', error: reason, info: null }, 'gaveUp');

  #report(context: JobContext, machineId: string, outcome: Outcome, kind: MachineReport['kind']) {
    return this.#reports.submit({
      machineId,
      jobId: context.job.id,
      outcome,
      providerRef: null,
      kind,
      owner: context.owner,
    });
  }

  async #writeAll(reports: readonly MachineReport[]): Promise<Settled<void>[]> {
    const freed: HeldShare[] = [];
    return await this.uow.run(
      async (tx, _record, recordAll) => {
        freed.length = 0;
        const ids = [...new Set(reports.map((r) => r.machineId))].sort();
        // Sent together (one round trip), run in this order. Machines are locked in id order,
        // as every batch does: two batches never wait on each other in a cycle.
        const [rows, finished] = await Promise.all([
          tx
            .select()
            .from(machines)
            .where(anyOf(machines.id, ids))
            .orderBy(machines.id)
            .for('update')
            .execute(),
          this.#finishJobs(tx, reports),
        ]);
        const current = new Map(rows.map((row) => [row.id, row]));
        const changed = new Map<string, MachineRow>();
        const released = new Map<string, HostShare>();
        const events: EventInput[] = [];
        const results: Settled<void>[] = [];
        const now = new Date();
        for (const report of reports) {
          if (report.kind === 'final' && !finished.has(report.jobId)) {
            results.push({ error: new LeaseLostError() });
            continue;
          }
          results.push({ value: undefined });
          const before = current.get(report.machineId);
          const { outcome } = report;
          if (!before || (report.kind === 'seen' && before.state === outcome.state)) continue;
          if (
            before.hostId &&
            holdsResources(before.state as MachineState) &&
            !holdsResources(outcome.state)
          ) {
            addShare(released, before.hostId, before);
            freed.push({ hostId: before.hostId, share: before });
          }
          const after: MachineRow = {
            ...before,
            state: outcome.state,
            error: outcome.error,
            addresses: outcome.info ? [...outcome.info.addresses] : before.addresses,
            providerRef: report.providerRef ?? before.providerRef,
            updatedAt: now,
          };
          current.set(after.id, after);
          changed.set(after.id, after);
          events.push(
            reportedStateEvent(
              before,
              after,
              outcome.state === 'ERROR'
                ? `Machine ${before.name} failed: ${outcome.error}`
                : `Machine ${before.name} is ${outcome.state}.`,
              { jobId: report.jobId },
            ),
          );
        }
        // Sent together too.
        await Promise.all([
          releaseHosts(tx, released),
          writeMachines(tx, [...changed.values()]),
          recordAll(events),
        ]);
        return results;
      },
      () => this.hostIndexes.release(freed),
    );
  }

  /** Finishes the jobs of final reports, one statement per owner and outcome; answers those finished. */
  async #finishJobs(tx: Transaction, reports: readonly MachineReport[]): Promise<Set<string>> {
    const groups = new Map<string, { owner: string; outcome: JobOutcome; jobIds: string[] }>();
    for (const report of reports) {
      if (report.kind !== 'final') continue;
      const outcome: JobOutcome = {
        state: report.outcome.state === 'ERROR' ? 'failed' : 'succeeded',
        error: report.outcome.error,
      };
      const key = JSON.stringify([report.owner, outcome.state, outcome.error]);
      const group = groups.get(key) ?? { owner: report.owner, outcome, jobIds: [] };
      group.jobIds.push(report.jobId);
      groups.set(key, group);
    }
    const done = await Promise.all(
      [...groups.values()].map(({ owner, outcome, jobIds }) =>
        this.queue.finishAll(tx, jobIds, owner, outcome),
      ),
    );
    return new Set(done.flatMap((ids) => [...ids]));
  }
}

/** Writes the changed fields of many machines in one statement. */
export async function writeMachines(tx: Transaction, rows: readonly MachineRow[]): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((row) => ({
    id: row.id,
    state: row.state,
    error: row.error,
    addresses: row.addresses,
    provider_ref: row.providerRef,
    updated_at: row.updatedAt.toISOString(),
  }));
  await tx.execute(sql`
    update ${machines} as m
    set state = v.state, error = v.error, addresses = v.addresses,
        provider_ref = v.provider_ref, updated_at = v.updated_at
    from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
      as v(id uuid, state text, error text, addresses text[], provider_ref text, updated_at timestamptz)
    where m.id = v.id`);
}

/** A provider error that waiting will not fix: the machine goes to ERROR at once. */
export function isPermanent(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError && !error.retryable;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    // Removed once the wait is over: the worker's signal outlives millions of waits.
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
