import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { LinkRow } from '../../db/tables/link.table.js';
import { trackableUrl } from '../render/template.js';
import { newLinkCode } from './link-code.js';

/** Who a send's links belong to: the run's journey version and split variant travel into the funnel. */
export interface LinkSend {
  workspaceId: string;
  journeyId: string;
  version: number;
  nodeId: string;
  runId: string;
  memberId: string;
  variant: string | null;
  /** the send's idempotency key: the same on every attempt, so a retry finds the codes of the first */
  sendKey: string;
}

/** The journey version a run is on and the split variant (output) it last took, for its messages and links. */
export async function runVersionAndVariant(
  db: Kysely<Database>,
  runId: string,
): Promise<{ version: number; variant: string | null }> {
  const row = await db
    .selectFrom('runs as r')
    .select((eb) => [
      'r.version',
      eb
        .selectFrom('run_steps as s')
        .select('s.output')
        .whereRef('s.run_id', '=', 'r.id')
        .where('s.node_type', '=', 'split')
        .where('s.output', 'is not', null)
        .orderBy('s.seq', 'desc')
        .limit(1)
        .as('variant'),
    ])
    .where('r.id', '=', runId)
    .executeTakeFirstOrThrow();
  return { version: row.version, variant: row.variant ?? null };
}

/**
 * The short links of one send, keyed by the destination as the template wrote it: made on the first attempt,
 * found again (never made twice) on a retry — `(send_key, url)` is unique. A new code that happens to be taken
 * already is simply drawn again. Destinations that are not http(s) get no link (publishing refuses them).
 */
export async function ensureSendLinks(
  db: Kysely<Database>,
  send: LinkSend,
  written: readonly string[],
  opts: { base: string; ttlMs: number; now: Date },
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const w of written) {
    const url = trackableUrl(w);
    if (!url) continue;
    let code: string | undefined;
    for (let attempt = 0; !code; attempt++) {
      if (attempt === 5) throw new Error('no free short link code after 5 draws');
      const inserted = await db
        .insertInto('links')
        .values({
          code: newLinkCode(),
          workspace_id: send.workspaceId,
          journey_id: send.journeyId,
          version: send.version,
          node_id: send.nodeId,
          run_id: send.runId,
          member_id: send.memberId,
          variant: send.variant,
          send_key: send.sendKey,
          url,
          expires_at: new Date(opts.now.getTime() + opts.ttlMs),
        })
        .onConflict((oc) => oc.doNothing())
        .returning('code')
        .executeTakeFirst();
      code =
        inserted?.code ??
        (
          await db
            .selectFrom('links')
            .select('code')
            .where('send_key', '=', send.sendKey)
            .where('url', '=', url)
            .executeTakeFirst()
        )?.code;
    }
    out.set(w, `${opts.base}/l/${code}`);
  }
  return out;
}

/**
 * Counts a click on `code` unless the same code was counted within `dedupeMs` (a double tap, a browser that
 * opens a link twice): one conditional update, so two clicks racing count once. Null when nothing was counted.
 */
export async function claimClick(
  db: Kysely<Database>,
  code: string,
  dedupeMs: number,
): Promise<LinkRow | null> {
  const row = await db
    .updateTable('links')
    .set({
      clicks: sql`clicks + 1`,
      last_clicked_at: sql`now()`,
      first_clicked_at: sql`coalesce(first_clicked_at, now())`,
    })
    .where('code', '=', code)
    .where('expires_at', '>', sql<Date>`now()`)
    .where((eb) =>
      eb.or([
        eb('last_clicked_at', 'is', null),
        eb('last_clicked_at', '<', sql<Date>`now() - make_interval(secs => ${dedupeMs / 1000})`),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/** A link as it stands, with whether it still redirects. */
export async function findLink(
  db: Kysely<Database>,
  code: string,
): Promise<{ url: string; expired: boolean } | null> {
  const row = await db
    .selectFrom('links')
    .select(['url', sql<boolean>`expires_at <= now()`.as('expired')])
    .where('code', '=', code)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * A counted click into the funnel of the message that carried it: one more click, and one more clicking member
 * when this member had not clicked this node's message (in this version and variant) before. Keyed by the day
 * the message was sent, so a node's clicks sit beside its sends.
 */
export async function countClickInFunnel(db: Kysely<Database>, link: LinkRow): Promise<void> {
  const first = await db
    .insertInto('link_clickers')
    .values({
      journey_id: link.journey_id,
      version: link.version,
      node_id: link.node_id,
      variant: link.variant ?? '',
      member_id: link.member_id,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('member_id')
    .executeTakeFirst();
  await sql`
    insert into message_funnel as f (workspace_id, journey_id, version, node_id, channel, variant, day, shard,
                                     clicks, clicked_members)
    select m.workspace_id, m.journey_id, ${link.version}::int, m.node_id, m.channel, ${link.variant ?? ''}::text,
           (m.created_at at time zone w.timezone)::date, hashtext(${link.code}) & 7, 1, ${first ? 1 : 0}::int
    from messages m join workspaces w on w.id = m.workspace_id
    where m.idempotency_key = ${link.send_key}
    on conflict (journey_id, version, node_id, channel, variant, day, shard) do update set
      clicks = f.clicks + 1, clicked_members = f.clicked_members + excluded.clicked_members`.execute(db);
}
