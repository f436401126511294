import { envInt } from '../../db/connection.js';

/** A limit: at most `max` in each window of `windowMs`. */
export interface Rate {
  max: number;
  windowMs: number;
}

export interface AuthConfig {
  /** a session unused this long is over */
  sessionIdleMs: number;
  /** a session is over this long after sign-in, used or not */
  sessionMaxMs: number;
  /** `auto`: Secure when the request came over HTTPS */
  cookieSecure: 'auto' | 'always' | 'never';
  /** believe X-Forwarded-For / -Proto / -Host (only behind a proxy that sets them) */
  trustProxy: boolean;
  /** the address people open, e.g. https://yutang.example.com; else the request's own Host */
  publicUrl: string | null;
  /** failed sign-ins per account and address; an address gets 10× that across accounts */
  signInFailures: Rate;
  /** requests to ingest routes (events, member upserts and imports) per API key */
  ingest: Rate;
  /** how long an invitation link stays valid */
  invitationMs: number;
  /** live sessions a person may have; signing in beyond it ends the least recently used */
  sessionsPerUser: number;
  /** mails to an account's address (verification and reset links) per address; an address of the caller gets 10× */
  accountMail: Rate;
}

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** `5/15m` → at most 5 per 15 minutes; `6000/m` → 6000 a minute. */
export function parseRate(name: string, raw: string): Rate {
  const m = /^\s*(\d+)\s*\/\s*(\d*)\s*([smh])\s*$/.exec(raw);
  const max = m ? Number(m[1]) : Number.NaN;
  const windowMs = m ? Number(m[2] || 1) * UNIT[m[3]] : Number.NaN;
  if (!m || max < 1 || windowMs < 1000 || windowMs > 86_400_000)
    throw new Error(
      `${name}=${raw} is not a rate like 5/15m (at most 5 per 15 minutes; units s, m, h; 1 s to 24 h)`,
    );
  return { max, windowMs };
}

/** The settings of accounts, sessions and limits, from the environment (README: Configuration). */
export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const secure = env.YUTANG_COOKIE_SECURE ?? 'auto';
  if (!['auto', 'always', 'never'].includes(secure))
    throw new Error(`YUTANG_COOKIE_SECURE=${secure} is not one of auto, always, never`);
  let publicUrl: string | null = null;
  if (env.YUTANG_PUBLIC_URL) {
    try {
      publicUrl = new URL(env.YUTANG_PUBLIC_URL).origin;
    } catch {
      throw new Error(`YUTANG_PUBLIC_URL=${env.YUTANG_PUBLIC_URL} is not a URL`);
    }
  }
  const sessionsPerUser = envInt('YUTANG_SESSIONS_PER_USER', 20, env);
  if (sessionsPerUser < 1) throw new Error('YUTANG_SESSIONS_PER_USER must be at least 1');
  return {
    sessionIdleMs: envInt('YUTANG_SESSION_IDLE_MINUTES', 8 * 60, env) * 60_000,
    sessionMaxMs: envInt('YUTANG_SESSION_MAX_HOURS', 72, env) * 3_600_000,
    cookieSecure: secure as AuthConfig['cookieSecure'],
    trustProxy: ['1', 'true', 'yes'].includes((env.YUTANG_TRUST_PROXY ?? '').toLowerCase()),
    publicUrl,
    signInFailures: parseRate('YUTANG_SIGNIN_RATE', env.YUTANG_SIGNIN_RATE ?? '5/15m'),
    ingest: parseRate('YUTANG_INGEST_RATE', env.YUTANG_INGEST_RATE ?? '6000/1m'),
    invitationMs: envInt('YUTANG_INVITATION_DAYS', 7, env) * 86_400_000,
    sessionsPerUser,
    accountMail: parseRate('YUTANG_ACCOUNT_MAIL_RATE', env.YUTANG_ACCOUNT_MAIL_RATE ?? '5/1h'),
  };
}
