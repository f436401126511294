import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { logger } from '../infra/logger.js';
import { attemptEvent, storeEventsIn } from '../services/events.service.js';
import type { TemporalDeps } from '../services/runs.service.js';
import { LINK_CODE } from './link-code.js';
import { claimClick, countClickInFunnel, findLink } from './links.repository.js';

/** The event a counted click becomes: a goal, an exit criterion or a `wait.event` may name it. */
export const LINK_CLICKED = 'link_clicked';

/** Two clicks on one code closer than this are one click (a double tap, a browser opening the link twice). */
export const CLICK_DEDUPE_MS = 5_000;

export type ClickOutcome =
  | { kind: 'redirect'; url: string; counted: boolean }
  | { kind: 'not_found'; reason: 'malformed' | 'unknown' | 'expired' };

/**
 * Follow a short link: where it leads, and — for a click that counts — one more click on the link, in its
 * message's funnel, and a `link_clicked` event for the member (properties: url, journeyId, nodeId, runId, code,
 * variant), all in one transaction, so a click is counted with its event or not at all. The event is then
 * processed like any ingested one (goals, exits, waits); should that fail, it stays pending for the sweeper.
 *
 * `count: false` (a HEAD request, as link previewers send) redirects without counting.
 */
export async function followLink(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  code: string,
  opts: { count: boolean; dedupeMs?: number },
): Promise<ClickOutcome> {
  if (!LINK_CODE.test(code)) return { kind: 'not_found', reason: 'malformed' };
  const counted = opts.count
    ? await db.transaction().execute(async (trx) => {
        const link = await claimClick(trx, code, opts.dedupeMs ?? CLICK_DEDUPE_MS);
        if (!link) return null;
        await countClickInFunnel(trx, link);
        const member = await trx
          .selectFrom('members')
          .select('external_id')
          .where('id', '=', link.member_id)
          .executeTakeFirstOrThrow();
        const [stored] = await storeEventsIn(trx, link.workspace_id, [
          {
            memberId: member.external_id,
            name: LINK_CLICKED,
            // the click's number makes the id: a retried transaction cannot store it twice
            id: `link:${link.code}:${link.clicks}`,
            properties: {
              url: link.url,
              journeyId: link.journey_id,
              nodeId: link.node_id,
              runId: link.run_id,
              code: link.code,
              ...(link.variant ? { variant: link.variant } : {}),
            },
          },
        ]);
        return { link, event: stored.row };
      })
    : null;
  if (counted) {
    // the member is on the way to the shop: the redirect does not wait for the journeys to hear of it
    void attemptEvent(db, temporal, counted.event).catch((err) =>
      logger.warn({ code, err: String(err) }, 'link_clicked left to the event sweeper'),
    );
    return { kind: 'redirect', url: counted.link.url, counted: true };
  }
  const link = await findLink(db, code);
  if (!link) return { kind: 'not_found', reason: 'unknown' };
  if (link.expired) return { kind: 'not_found', reason: 'expired' };
  return { kind: 'redirect', url: link.url, counted: false };
}
