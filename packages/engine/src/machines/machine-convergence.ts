import { type Connector, ConnectorError, type MachineInfo, type MachineRef } from '@levante/connector-api';
import { type MachineRow, machines } from '@levante/db';
import { holdsResources, type MachineState } from '@levante/domain';
import { eq } from 'drizzle-orm';
import { releaseHost } from '../hosts/host-placement.ts';
import { type JobContext, LeaseLostError } from '../jobs/job-context.ts';
import { providerError } from '../providers/provider-errors.ts';
import { machineSummary } from './machine-view.ts';

export interface Outcome {
  readonly state: MachineState;
  readonly error: string | null;
  readonly info: MachineInfo | null;
}

/**
 * Polls the provider with backoff until the machine reaches `target` (or ERROR,
 * or disappears), recording every state it passes through. Renews the job's
 * lease on each round.
 */
export async function waitForMachine(
  context: JobContext,
  connector: Connector,
  machine: MachineRow,
  ref: MachineRef,
  target: MachineState,
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
    if (info.state !== seen) {
      seen = info.state;
      await recordState(context, machine.id, info.state, null, info);
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
 * host's capacity back when the machine stops holding it.
 */
export async function settleMachine(
  context: JobContext,
  machineId: string,
  outcome: Outcome,
  { jobAlreadyFailed = false } = {},
): Promise<void> {
  await context.uow.run(async (tx, record) => {
    const [current] = await tx.select().from(machines).where(eq(machines.id, machineId)).for('update');
    if (!current) return;
    if (!jobAlreadyFailed) {
      const finished = await context.queue.finish(tx, context.job.id, context.owner, {
        state: outcome.state === 'ERROR' ? 'failed' : 'succeeded',
        error: outcome.error,
      });
      if (!finished) throw new LeaseLostError();
    }
    if (holdsResources(current.state as MachineState) && !holdsResources(outcome.state))
      await releaseHost(tx, current);
    const [updated] = await tx
      .update(machines)
      .set({
        state: outcome.state,
        error: outcome.error,
        addresses: outcome.info ? [...outcome.info.addresses] : current.addresses,
        updatedAt: new Date(),
      })
      .where(eq(machines.id, machineId))
      .returning();
    await record({
      type: 'machine.state_changed',
      actor: null,
      projectId: current.projectId,
      subjectType: 'Machine',
      subjectId: machineId,
      summary:
        outcome.state === 'ERROR'
          ? `Machine ${current.name} failed: ${outcome.error}`
          : `Machine ${current.name} is ${outcome.state}.`,
      before: { state: current.state },
      after: { ...machineSummary(updated!), jobId: context.job.id },
    });
  });
}

/** Records an intermediate state the provider reports (STARTING after CREATING, say). */
async function recordState(
  context: JobContext,
  machineId: string,
  state: MachineState,
  error: string | null,
  info: MachineInfo,
): Promise<void> {
  await context.uow.run(async (tx, record) => {
    const [before] = await tx.select().from(machines).where(eq(machines.id, machineId)).for('update');
    if (!before || before.state === state) return;
    const [after] = await tx
      .update(machines)
      .set({ state, error, addresses: [...info.addresses], updatedAt: new Date() })
      .where(eq(machines.id, machineId))
      .returning();
    await record({
      type: 'machine.state_changed',
      actor: null,
      projectId: before.projectId,
      subjectType: 'Machine',
      subjectId: machineId,
      summary: `Machine ${before.name} is ${state}.`,
      before: { state: before.state },
      after: { ...machineSummary(after!), jobId: context.job.id },
    });
  });
}

/** Records what the provider refused, for people, and puts the machine in ERROR. */
export function failMachine(context: JobContext, machineId: string, providerName: string, error: unknown) {
  return settleMachine(context, machineId, {
    state: 'ERROR',
    error: providerError(providerName, error).message,
    info: null,
  });
}

/** A job's `giveUp`: the job has already failed for good; its machine is left in ERROR with why. */
export function leaveInError(context: JobContext, reason: string) {
  return settleMachine(
    context,
    context.job.machineId!,
    { state: 'ERROR', error: reason, info: null },
    { jobAlreadyFailed: true },
  );
}

/** A provider error that waiting will not fix: the machine goes to ERROR at once. */
export function isPermanent(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError && !error.retryable;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
