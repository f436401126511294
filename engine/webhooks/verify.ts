import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a receiver does with a Yutang webhook: recompute HMAC-SHA256 over `<X-Yutang-Timestamp>.<raw body>`
 * with the shared secret, compare in constant time, and refuse old timestamps (a replayed request).
 * The shared secret is the value of the workspace secret the webhook node names (Yutang settings → 密钥): the
 * receiver keeps its own copy, e.g. in its environment.
 *
 * @example
 * const ok = verifyWebhookSignature({
 *   secret: process.env.YUTANG_WEBHOOK_SECRET!, // the receiver's copy of the workspace secret's value
 *   body: rawBody, // the bytes as received, before JSON.parse
 *   timestamp: req.headers['x-yutang-timestamp'],
 *   signature: req.headers['x-yutang-signature'],
 * });
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  timestamp: string | string[] | undefined | null;
  signature: string | string[] | undefined | null;
  /** how old a timestamp may be, in seconds (default 300) */
  toleranceSeconds?: number;
  now?: Date;
}): boolean {
  const ts = typeof input.timestamp === 'string' ? input.timestamp : null;
  const sig = typeof input.signature === 'string' ? input.signature : null;
  if (!ts || !/^\d{1,12}$/.test(ts) || !sig?.startsWith('sha256=')) return false;
  const age = Math.abs((input.now ?? new Date()).getTime() / 1000 - Number(ts));
  if (age > (input.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', input.secret).update(`${ts}.${input.body}`).digest();
  const given = Buffer.from(sig.slice('sha256='.length), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
