import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe: session cookies, invitation links, API keys. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the database keeps of a token. Tokens are 256-bit random, so a fast hash is enough (no dictionary
 * to try); a slow one would only slow down every request.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** API keys read `yt_<43 characters>`: recognisable in a config file and by secret scanners. */
export const KEY_PREFIX = 'yt_';

export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = `${KEY_PREFIX}${randomToken()}`;
  return { key, prefix: key.slice(0, KEY_PREFIX.length + 6), hash: tokenHash(key) };
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
