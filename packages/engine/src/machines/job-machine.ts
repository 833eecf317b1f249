import {
  type LocationRow,
  locations,
  type MachineRow,
  machines,
  type ProviderRow,
  providers,
} from '@levante/db';
import { eq } from 'drizzle-orm';
import type { JobContext } from '../jobs/job-context.ts';

export interface JobMachine {
  readonly machine: MachineRow;
  readonly location: LocationRow;
  readonly provider: ProviderRow;
}

/** The machine a job is about, read afresh, with its location and provider; undefined once it is gone. */
export async function jobMachine(context: JobContext): Promise<JobMachine | undefined> {
  const [row] = await context.db
    .select({ machine: machines, location: locations, provider: providers })
    .from(machines)
    .innerJoin(locations, eq(locations.id, machines.locationId))
    .innerJoin(providers, eq(providers.id, machines.providerId))
    .where(eq(machines.id, context.job.machineId!));
  return row;
}
