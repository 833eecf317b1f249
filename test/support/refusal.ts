import { LevanteError } from '@levante/domain';

/** The LevanteError a refused command throws; fails when it was not refused, or failed otherwise. */
export async function refusal(promise: Promise<unknown>): Promise<LevanteError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof LevanteError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}
