import { type Database, users } from '@levante/db';
import { count } from 'drizzle-orm';
import type { UserCommands } from '../identity/user.commands.ts';

export const FIRST_ADMIN_USERNAME = 'admin';

export interface FirstAdmin {
  readonly username: string;
  /** Present when Levante chose the password; it must be changed at first login. */
  readonly oneTimePassword: string | null;
}

/**
 * On first start (no user at all), creates the platform admin. With a password
 * given (LEVANTE_ADMIN_PASSWORD, for automation) no change is forced; otherwise
 * a one-time password is generated for the caller to print.
 */
export async function ensureFirstAdmin(
  db: Database,
  userCommands: UserCommands,
  password: string | undefined,
): Promise<FirstAdmin | null> {
  const [row] = await db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0) return null;
  const { oneTimePassword } = await userCommands.create(null, {
    username: FIRST_ADMIN_USERNAME,
    displayName: 'Platform admin',
    password: password ?? null,
    isAdmin: true,
    mustChangePassword: password === undefined,
  });
  return { username: FIRST_ADMIN_USERNAME, oneTimePassword };
}
