import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError } from '../api/app-error.js';
import type { AuthConfig, Rate } from './auth-config.js';
import { verifyNobody, verifyPassword } from './password.js';
import { hitRateLimit, peekRateLimit } from './rate-limit.js';
import { findUserByEmail } from './users.repository.js';

type Db = Kysely<Database>;

/**
 * The buckets failed password checks count in: this account from this address (the tight one), any
 * account from this address and this account from anywhere (10× looser: one address guessing many
 * accounts, many addresses guessing one — without letting a stranger lock someone out cheaply).
 */
function buckets(config: AuthConfig, email: string, ip: string | null): { bucket: string; rate: Rate }[] {
  const tight = config.signInFailures;
  const loose = { max: tight.max * 10, windowMs: tight.windowMs };
  const addr = ip ?? 'unknown';
  return [
    { bucket: `signin:${email}:${addr}`, rate: tight },
    { bucket: `signin-ip:${addr}`, rate: loose },
    { bucket: `signin-account:${email}`, rate: loose },
  ];
}

/**
 * Checks an email and password, slowed down after repeated failures: once a bucket is full, the answer
 * is 429 with Retry-After until its window ends, and no password is checked at all.
 * Returns the user, or throws 401 (the same for an unknown email as for a wrong password) or 429.
 */
export async function checkPassword(
  db: Db,
  config: AuthConfig,
  email: string,
  password: string,
  ip: string | null,
): Promise<{ id: string; email: string; name: string }> {
  const limits = buckets(config, email, ip);
  for (const { bucket, rate } of limits) {
    const state = await peekRateLimit(db, bucket, rate);
    if (!state.allowed) {
      throw new AppError('rate_limited', `too many failed sign-ins; try again in ${state.retryAfterS} s`, {
        retryAfter: state.retryAfterS,
      });
    }
  }
  const user = await findUserByEmail(db, email);
  const ok = user ? await verifyPassword(user.password_hash, password) : await verifyNobody(password);
  if (!ok || !user) {
    for (const { bucket, rate } of limits) await hitRateLimit(db, bucket, rate);
    throw new AppError('unauthenticated', 'wrong email or password', { field: 'password' });
  }
  return { id: user.id, email: user.email, name: user.name };
}
