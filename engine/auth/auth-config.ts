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
  /**
   * how many proxies in front of us append to X-Forwarded-For / -Proto / -Host: their entries (counted from
   * the right) are believed, nothing left of them; 0 = none, the socket's address and the Host header count
   */
  trustProxy: number;
  /** the address people open, e.g. https://yutang.example.com; else the request's own Host */
  publicUrl: string | null;
  /**
   * host names the app answers to besides loopback names, IP addresses and `publicUrl`'s host (DNS rebinding):
   * `yutang.example.com`, `*.example.com` (its subdomains), or `*` (any: the check is off)
   */
  allowedHosts: string[];
  /** with it, `/metrics` answers `Authorization: Bearer <token>` only, on every port; without, not on PORT */
  metricsToken: string | null;
  /** failed sign-ins per account and address; an address gets 10× that across accounts */
  signInFailures: Rate;
  /** requests to ingest routes (events, member upserts and imports) per API key */
  ingest: Rate;
  // What keeps one caller from stalling others (README: Security). Concurrency is counted per API process.
  /** audience previews and journey simulations per caller (user or API key) */
  preview: Rate;
  /** audience previews running at once per workspace; more are 429 */
  previewConcurrency: number;
  /** a preview's statement timeout: a rule that takes longer to count is `preview_too_slow` (422) */
  previewTimeoutMs: number;
  /** simulations running at once per caller; more are 429 */
  simulationConcurrency: number;
  /** a simulation's wall-clock limit: one that takes longer is `simulation_too_long` (422) */
  simulationTimeoutMs: number;
  /** how long an invitation link stays valid */
  invitationMs: number;
  /** live sessions a person may have; signing in beyond it ends the least recently used */
  sessionsPerUser: number;
  /** mails to an account's address (verification and reset links) per address; an address of the caller gets 10× */
  accountMail: Rate;
}

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** `1`, `2`… proxies; `true` / `yes` / `on` mean one (what the setting used to take), `false` / `0` / unset none. */
export function parseTrustProxy(raw: string | undefined): number {
  const v = (raw ?? '').trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(v)) return 0;
  if (['true', 'yes', 'on'].includes(v)) return 1;
  if (/^\d+$/.test(v) && Number(v) <= 10) return Number(v);
  throw new Error(
    `YUTANG_TRUST_PROXY=${raw} is not a number of proxies in front of Yutang (1, 2… up to 10), or true / false`,
  );
}

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

/**
 * `YUTANG_ALLOWED_HOSTS`: comma-separated names, each `name`, `*.name` or `*`; a port is ignored (any port is
 * fine: what matters against DNS rebinding is the name the browser resolved).
 */
export function parseAllowedHosts(raw: string | undefined): string[] {
  const out: string[] = [];
  for (const entry of (raw ?? '').split(',')) {
    const e = entry.trim().toLowerCase();
    if (!e) continue;
    if (e === '*') {
      out.push(e);
      continue;
    }
    const m = /^(\*\.)?([a-z0-9_-]+(?:\.[a-z0-9_-]+)*)\.?(?::\d{1,5})?$/.exec(e);
    if (!m)
      throw new Error(
        `YUTANG_ALLOWED_HOSTS: "${entry.trim()}" is not a host name like yutang.example.com or *.example.com`,
      );
    out.push(`${m[1] ?? ''}${m[2]}`);
  }
  return out;
}

/** A limit of 0 would refuse every call: a setting of 0 is a mistake, said at start. */
function atLeastOne(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const value = envInt(name, fallback, env);
  if (value < 1) throw new Error(`${name}=${env[name]} must be at least 1`);
  return value;
}

/** The settings of accounts, sessions, limits and the HTTP edge, from the environment (README: Configuration). */
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
  const metricsToken = env.YUTANG_METRICS_TOKEN || null;
  // it is compared, not guessed at a rate we limit: a short one would be found by trying
  if (metricsToken && (metricsToken.length < 16 || /\s/.test(metricsToken)))
    throw new Error('YUTANG_METRICS_TOKEN must be at least 16 characters, without spaces');
  return {
    sessionIdleMs: envInt('YUTANG_SESSION_IDLE_MINUTES', 8 * 60, env) * 60_000,
    sessionMaxMs: envInt('YUTANG_SESSION_MAX_HOURS', 72, env) * 3_600_000,
    cookieSecure: secure as AuthConfig['cookieSecure'],
    trustProxy: parseTrustProxy(env.YUTANG_TRUST_PROXY),
    publicUrl,
    allowedHosts: parseAllowedHosts(env.YUTANG_ALLOWED_HOSTS),
    metricsToken,
    signInFailures: parseRate('YUTANG_SIGNIN_RATE', env.YUTANG_SIGNIN_RATE ?? '5/15m'),
    ingest: parseRate('YUTANG_INGEST_RATE', env.YUTANG_INGEST_RATE ?? '6000/1m'),
    preview: parseRate('YUTANG_PREVIEW_RATE', env.YUTANG_PREVIEW_RATE ?? '120/1m'),
    previewConcurrency: atLeastOne('YUTANG_PREVIEW_CONCURRENCY', 2, env),
    previewTimeoutMs: atLeastOne('YUTANG_PREVIEW_TIMEOUT_MS', 5_000, env),
    simulationConcurrency: atLeastOne('YUTANG_SIMULATION_CONCURRENCY', 2, env),
    simulationTimeoutMs: atLeastOne('YUTANG_SIMULATION_TIMEOUT_MS', 2_000, env),
    invitationMs: envInt('YUTANG_INVITATION_DAYS', 7, env) * 86_400_000,
    sessionsPerUser: atLeastOne('YUTANG_SESSIONS_PER_USER', 20, env),
    accountMail: parseRate('YUTANG_ACCOUNT_MAIL_RATE', env.YUTANG_ACCOUNT_MAIL_RATE ?? '5/1h'),
  };
}
