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

/** Slots taken in several buckets at once: whether every bucket stays within its rate, and how to undo it. */
export interface TakenSlots {
  allowed: boolean;
  /** whole seconds until the latest window of a refusing bucket ends (0 when allowed) */
  retryAfterS: number;
  /** gives the slots back (a refused attempt, or one that turned out not to count) */
  giveBack(): Promise<void>;
}

/**
 * Takes one slot in each bucket in one statement, before the work the limit protects: two hundred attempts at
 * once each see the count their own slot made, so no more than `max` get through — where looking first and
 * counting afterwards let every attempt that looked before the first one counted pass. Buckets are taken in
 * name order, so two statements sharing buckets lock them in the same order (no deadlock).
 */
export async function takeSlots(
  db: Kysely<Database>,
  limits: readonly { bucket: string; rate: Rate }[],
): Promise<TakenSlots> {
  const sorted = [...limits].sort((a, b) => (a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
  const values = sql.join(sorted.map((l) => sql`(${l.bucket}, ${windowStart(l.rate.windowMs)}, 1)`));
  const rows = await sql<{ bucket: string; window_start: Date; hits: number; remaining_ms: number }>`
    insert into rate_limits (bucket, window_start, hits) values ${values}
    on conflict (bucket, window_start) do update set hits = rate_limits.hits + 1
    returning bucket, window_start, hits, extract(epoch from (window_start - now())) * 1000 as remaining_ms`
    .execute(db)
    .then((r) => r.rows);
  if (Math.random() < 0.01) {
    await sql`delete from rate_limits where window_start < now() - interval '1 day'`.execute(db);
  }
  let retryAfterS = 0;
  for (const row of rows) {
    const rate = sorted.find((l) => l.bucket === row.bucket)!.rate;
    const d = decision(row.hits, rate, Number(row.remaining_ms) + rate.windowMs);
    if (!d.allowed) retryAfterS = Math.max(retryAfterS, d.retryAfterS);
  }
  let given = false;
  return {
    allowed: retryAfterS === 0,
    retryAfterS,
    async giveBack() {
      if (given) return;
      given = true;
      const keys = sql.join(rows.map((r) => sql`(${r.bucket}, ${r.window_start}::timestamptz)`));
      await sql`update rate_limits set hits = greatest(hits - 1, 0) where (bucket, window_start) in (${keys})`.execute(
        db,
      );
    },
  };
}

function decision(hits: number, rate: Rate, remainingMs: number): RateDecision {
  return {
    allowed: hits <= rate.max,
    hits,
    retryAfterS: Math.max(1, Math.ceil(Number(remainingMs) / 1000)),
  };
}
