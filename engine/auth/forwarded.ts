import type { Context } from 'hono';
import type { AuthConfig } from './auth-config.js';

/**
 * What the trusted proxies in front of us say, and nothing a client wrote. Each proxy appends to
 * `X-Forwarded-For` the address it saw, so with `hops` proxies the client's address is the `hops`-th entry
 * from the right; everything left of it is whatever the client sent (and may be anything). A chain shorter
 * than `hops` gives its left-most entry. `-Proto` and `-Host` are read the same way (a proxy that sets
 * rather than appends leaves one entry, which is then the answer).
 *
 * @example
 * trustedEntry('10.0.0.1, 203.0.113.7', 1) // '203.0.113.7': the address the one proxy saw
 * trustedEntry('10.0.0.1, 203.0.113.7, 192.168.0.2', 2) // '203.0.113.7'
 */
export function trustedEntry(header: string | undefined, hops: number): string | null {
  if (!header || hops < 1) return null;
  const entries = header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!entries.length) return null;
  return entries[Math.max(0, entries.length - hops)];
}

/** `X-Forwarded-<name>` as the trusted proxies set it; null without `YUTANG_TRUST_PROXY` or the header. */
export function forwarded(
  c: Context,
  config: Pick<AuthConfig, 'trustProxy'>,
  name: 'for' | 'proto' | 'host',
): string | null {
  return trustedEntry(c.req.header(`x-forwarded-${name}`), config.trustProxy);
}
