import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError } from '../api/app-error.js';
import type { AuthConfig, Rate } from './auth-config.js';
import { verifyNobody, verifyPassword } from './password.js';
import { takeSlots } from './rate-limit.js';
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
 * Checks an email and password, slowed down after repeated failures. Every check first takes a slot in each
 * bucket (atomically, in Postgres): when a bucket is full the answer is 429 with Retry-After until its window
 * ends and no password is checked at all; a right password gives its slot back, a wrong one keeps it. So however
 * many attempts arrive at once, at most `max` wrong passwords are checked per window.
 * Returns the user, or throws 401 (the same for an unknown email as for a wrong password) or 429.
 */
export async function checkPassword(
  db: Db,
  config: AuthConfig,
  email: string,
  password: string,
  ip: string | null,
): Promise<{ id: string; email: string; name: string }> {
  const slots = await takeSlots(db, buckets(config, email, ip));
  if (!slots.allowed) {
    // a refused attempt is not a failed sign-in: it must not fill the looser buckets for others
    await slots.giveBack();
    throw new AppError('rate_limited', `too many failed sign-ins; try again in ${slots.retryAfterS} s`, {
      retryAfter: slots.retryAfterS,
    });
  }
  let user: Awaited<ReturnType<typeof findUserByEmail>>;
  let ok: boolean;
  try {
    user = await findUserByEmail(db, email);
    ok = user ? await verifyPassword(user.password_hash, password) : await verifyNobody(password);
  } catch (err) {
    // nothing was decided (the database went away): the attempt does not count
    await slots.giveBack().catch(() => {});
    throw err;
  }
  if (!ok || !user) throw new AppError('unauthenticated', 'wrong email or password', { field: 'password' });
  await slots.giveBack();
  return { id: user.id, email: user.email, name: user.name };
}
