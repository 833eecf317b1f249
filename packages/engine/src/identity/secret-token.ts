import { createHash, randomBytes } from 'node:crypto';

/**
 * Session and API tokens: 256 random bits behind a prefix that tells their kind.
 * Only their SHA-256 is stored: with that much entropy a slow hash adds nothing.
 */
export const SESSION_PREFIX = 'lvs_';
export const API_TOKEN_PREFIX = 'lvt_';

export function newSecretToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A readable password for one-time use: 4 groups of 5 characters from an unambiguous alphabet. */
export function newOneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(20);
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join('')).join('-');
}
