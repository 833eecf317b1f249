import { z } from 'zod';

/** What a machine may be called: a DNS label, so that it can name the guest too. */
export const machineNameSchema = z
  .string()
  .trim()
  .min(1, 'A machine name cannot be empty.')
  .max(63, 'A machine name can have at most 63 characters.')
  .regex(
    /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/,
    'A machine name is letters, digits and dashes, and neither starts nor ends with a dash.',
  );
