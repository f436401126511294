import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { AppError } from './app-error.js';

/**
 * Keyset pagination for every list: newest first by a timestamp, the row's uuid as the tiebreaker, so the
 * order is total and stable. The cursor is opaque to callers (base64url of the last row's key); a page is an
 * index range scan of `limit + 1` rows however deep it is — given an index on (filter columns…, time, id).
 *
 *   GET /api/runs?limit=50                → { runs: [...50], nextCursor: "…" }
 *   GET /api/runs?limit=50&cursor=…       → the next 50; nextCursor null on the last page
 */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 500;

export const pageQuery = {
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
};

export interface Page {
  cursor?: string;
  limit: number;
}

interface CursorKey {
  /** the timestamp, ISO 8601 with microseconds, exactly as Postgres has it */
  at: string;
  id: string;
}

const AT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.at, key.id])).toString('base64url');
}

/** The key in a cursor, or a 400 naming `cursor` for anything this API did not hand out. */
export function decodeCursor(cursor: string): CursorKey {
  const bad = () => new AppError('invalid_input', 'cursor: not a cursor from this list', { field: 'cursor' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw bad();
  const [at, id] = parsed;
  if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw bad();
  const m = AT.exec(at);
  // a real calendar moment after 1970 (Postgres would refuse 2025-02-30, and year 0 does not exist there)
  const ms = Date.parse(`${at.slice(0, 23)}Z`);
  if (
    !m ||
    Number(m[1]) < 1970 ||
    Number.isNaN(ms) ||
    new Date(ms).toISOString().slice(0, 23) !== at.slice(0, 23)
  )
    throw bad();
  return { at, id };
}

/** The timestamp as cursor text: UTC, microseconds (JavaScript dates would lose them, and skip rows). */
function cursorText(column: string) {
  return sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * One page of `qb`, newest first by `keys.at` then `keys.id`. Returns the rows (without the helper column)
 * and the cursor of the next page, or null when there is none.
 */
export async function paginate<DB, TB extends keyof DB, O>(
  qb: SelectQueryBuilder<DB, TB, O>,
  keys: { at: string; id: string },
  page: Page,
): Promise<{ items: O[]; nextCursor: string | null }> {
  let q = qb
    .select([cursorText(keys.at).as('_cursorAt'), sql<string>`${sql.ref(keys.id)}::text`.as('_cursorId')])
    .orderBy(sql.ref(keys.at), 'desc')
    .orderBy(sql.ref(keys.id), 'desc')
    .limit(page.limit + 1);
  if (page.cursor) {
    const key = decodeCursor(page.cursor);
    const before: Expression<SqlBool> = sql<SqlBool>`(${sql.ref(keys.at)}, ${sql.ref(keys.id)}) < (${key.at}::timestamptz, ${key.id}::uuid)`;
    q = q.where(before);
  }
  const rows = (await q.execute()) as (O & { _cursorAt: string; _cursorId: string })[];
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map(({ _cursorAt, _cursorId, ...rest }) => rest as O),
    nextCursor: more && last ? encodeCursor({ at: last._cursorAt, id: last._cursorId }) : null,
  };
}
