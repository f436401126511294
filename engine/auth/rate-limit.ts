import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Rate } from './auth-config.js';

export interface RateDecision {
  allowed: boolean;
  /** hits in the current window, this one included */
  hits: number;
  /** whole seconds until the window ends (what `Retry-After` says) */
  retryAfterS: number;
}

/** The window a moment falls in, computed by Postgres so that every API process agrees on it. */
const windowStart = (windowMs: number) =>
  sql<Date>`to_timestamp(floor(extract(epoch from now()) * 1000 / ${windowMs}) * ${windowMs} / 1000.0)`;

/**
 * Counts `cost` hits against `bucket` in the current fixed window and says whether it stays within
 * `rate`. Kept in Postgres (one upsert), so the limit holds across all API processes. A fixed window
 * lets a burst of up to 2× through at a window's edge; that is the price of one row per window.
 */
export async function hitRateLimit(
  db: Kysely<Database>,
  bucket: string,
  rate: Rate,
  cost = 1,
): Promise<RateDecision> {
  const row = await sql<{ hits: number; remaining_ms: number }>`
    insert into rate_limits (bucket, window_start, hits)
    values (${bucket}, ${windowStart(rate.windowMs)}, ${cost})
    on conflict (bucket, window_start) do update set hits = rate_limits.hits + excluded.hits
    returning hits, extract(epoch from (window_start - now())) * 1000 + ${rate.windowMs} as remaining_ms`
    .execute(db)
    .then((r) => r.rows[0]);
  // Old windows are dead weight: now and then a request sweeps them (windows are at most a day long).
  if (Math.random() < 0.01) {
    await sql`delete from rate_limits where window_start < now() - interval '1 day'`.execute(db);
  }
  return decision(row.hits, rate, row.remaining_ms);
}

/** Where `bucket` stands without counting anything (e.g. before checking a password). */
export async function peekRateLimit(db: Kysely<Database>, bucket: string, rate: Rate): Promise<RateDecision> {
  const row = await sql<{ hits: number; remaining_ms: number }>`
    select hits, extract(epoch from (window_start - now())) * 1000 + ${rate.windowMs} as remaining_ms
    from rate_limits where bucket = ${bucket} and window_start = ${windowStart(rate.windowMs)}`
    .execute(db)
    .then((r) => r.rows[0]);
  if (!row) return { allowed: true, hits: 0, retryAfterS: 0 };
  // peeking: the next hit would be one more
  return decision(row.hits + 1, rate, row.remaining_ms);
}

function decision(hits: number, rate: Rate, remainingMs: number): RateDecision {
  return {
    allowed: hits <= rate.max,
    hits,
    retryAfterS: Math.max(1, Math.ceil(Number(remainingMs) / 1000)),
  };
}
