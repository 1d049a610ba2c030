import { createHash, randomBytes } from 'node:crypto';

export const TOKEN_PREFIX = 'cut_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 43 base62 characters ≈ 256 bits. */
const TOKEN_CHARS = 43;

/** A new API token secret, `cut_<43 base62 chars>`. Shown once; only its hash is stored. */
export function generateToken(): string {
  let out = '';
  while (out.length < TOKEN_CHARS) {
    for (const byte of randomBytes(64)) {
      // 248 = 4 × 62: rejecting the top bytes keeps every character equally likely.
      if (byte < 248 && out.length < TOKEN_CHARS) out += BASE62[byte % 62];
    }
  }
  return `${TOKEN_PREFIX}${out}`;
}

/** sha256 hex of the secret: what ApiToken.secretHash holds and what lookups compare. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The first characters shown to help people tell tokens apart (ApiToken.prefix). */
export function tokenPrefix(secret: string, length = 12): string {
  return secret.slice(0, length);
}

/** Whether a string has the shape of one of our tokens (cheap rejection before a database lookup). */
export function looksLikeToken(value: string): boolean {
  return new RegExp(`^${TOKEN_PREFIX}[0-9A-Za-z]{${TOKEN_CHARS}}$`).test(value);
}
