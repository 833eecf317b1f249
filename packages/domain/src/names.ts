import { z } from 'zod';

/**
 * Input rules shared by every entry point, so that the API, the CLI and the
 * engine agree on what a valid name or password is.
 */
export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'A username needs at least 2 characters.')
  .max(40, 'A username can have at most 40 characters.')
  .regex(
    /^[a-z0-9][a-z0-9._-]*$/,
    'A username may use letters, digits, dots, dashes and underscores, and must start with a letter or digit.',
  );

export const projectNameSchema = z
  .string()
  .trim()
  .min(2, 'A project name needs at least 2 characters.')
  .max(64, 'A project name can have at most 64 characters.')
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u,
    'A project name may use letters, digits, spaces, dots, dashes and underscores, and must start with a letter or digit.',
  );

export const displayNameSchema = z
  .string()
  .trim()
  .min(1, 'A display name cannot be empty.')
  .max(100, 'A display name can have at most 100 characters.');

export const descriptionSchema = z.string().trim().max(500, 'A description can have at most 500 characters.');

export const emailSchema = z.email('This is not a valid email address.').max(254);

export const passwordSchema = z
  .string()
  .min(12, 'A password needs at least 12 characters.')
  .max(256, 'A password can have at most 256 characters.');

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, 'A token name cannot be empty.')
  .max(64, 'A token name can have at most 64 characters.');
