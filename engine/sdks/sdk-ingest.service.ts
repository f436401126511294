import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { memberFacts } from '../../workflows/activities.js';
import { PAYLOAD_MAX_BYTES } from '../api/validate.js';
import { sdkMessages } from '../infra/metrics.js'; // yutang:infra
import { ensureMembers } from '../repositories/member.repository.js';
import { evaluateMembersInSet } from '../segments/segments.service.js';
import { type EventOutcome, type IncomingEvent, ingestBatch } from '../services/events.service.js';
import { signalMemberChanged, type TemporalDeps } from '../services/runs.service.js';
import { applyProfileOps, ProfileConflict, type ProfileOp, type StoredProfile } from './profile.js';
import type { SdkItem, SkipReason, Who } from './sdk-items.js';

export type SdkName = 'segment' | 'sensors';

/** How long a profile update's id is remembered: a client resending within it changes nothing twice. */
export const RECEIPT_DAYS = 7;

/** A profile update the stored member cannot take (an increment of a text, attributes past 32 KB). */
export class SdkApplyError extends Error {
  constructor(
    /** the request's message it came from, e.g. `batch.3` */
    readonly index: number,
    /** the attribute or part at fault */
    readonly part: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SdkOutcome {
  /** events stored (new) and profile updates applied */
  events: number;
  profiles: number;
  links: number;
  /** events and profile updates sent before (same messageId / record id): nothing done again */
  duplicates: number;
  skipped: { index: number; type: string; reason: SkipReason; message: string }[];
  /** per stored event, what the ingest service did (processed, kept for retry, dead-lettered) */
  eventOutcomes: EventOutcome[];
}

const whoKey = (w: Who) => (w.kind === 'member' ? `m:${w.externalId}` : `a:${w.id}`);

/**
 * Apply what a Segment or Sensors request asked for, on top of the ingest service:
 * 1. in one transaction: device links, then profile updates (each once, by its receipt), member by member
 *    under a row lock — so a failure writes nothing, and a resent batch adds no increment twice;
 * 2. audiences on member fields and exit criteria see the changed members (as `PUT /api/members` does);
 * 3. the events go through `ingestBatch`, the same write (idempotent on their id) and processing as
 *    `POST /api/events/batch`.
 * Calls naming only a device that no member has signed in on are skipped, with the reason.
 */
export async function applySdkItems(
  db: Kysely<Database>,
  temporal: TemporalDeps,
  workspaceId: string,
  sdk: SdkName,
  items: SdkItem[],
): Promise<SdkOutcome> {
  const outcome: SdkOutcome = {
    events: 0,
    profiles: 0,
    links: 0,
    duplicates: 0,
    skipped: [],
    eventOutcomes: [],
  };
  for (const item of items)
    if (item.kind === 'skip') {
      outcome.skipped.push({
        index: item.index,
        type: item.type,
        reason: item.reason,
        message: item.message,
      });
      sdkMessages.inc({ sdk, outcome: `skipped_${item.reason}` }); // yutang:infra
    }

  const links = items.filter((i) => i.kind === 'link');
  const profiles = items.filter((i) => i.kind === 'profile');
  const events = items.filter((i) => i.kind === 'event');

  const { memberOf, touched } = await db.transaction().execute(async (trx) => {
    // 1a. links (the last link of a device in the request wins, as it would sent one by one)
    if (links.length) {
      const ids = await ensureMembers(
        trx,
        workspaceId,
        links.map((l) => l.externalId),
      );
      const last = new Map(links.map((l) => [l.identity, ids.get(l.externalId)!]));
      await trx
        .insertInto('member_identities')
        .values(
          [...last].map(([identity, member_id]) => ({
            workspace_id: workspaceId,
            identity,
            member_id,
            source: sdk,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'identity']).doUpdateSet({
            member_id: (eb) => eb.ref('excluded.member_id'),
            source: (eb) => eb.ref('excluded.source'),
            updated_at: sql`now()`,
          }),
        )
        .execute();
      outcome.links = links.length;
      sdkMessages.inc({ sdk, outcome: 'link' }, links.length); // yutang:infra
    }

    // 1b. who each call is about: device ids through their links
    const devices = [
      ...new Set([...profiles, ...events].flatMap((i) => (i.who.kind === 'anonymous' ? [i.who.id] : []))),
    ];
    const linked = new Map<string, string>();
    if (devices.length) {
      const rows = await trx
        .selectFrom('member_identities as i')
        .innerJoin('members as m', 'm.id', 'i.member_id')
        .select(['i.identity', 'm.external_id'])
        .where('i.workspace_id', '=', workspaceId)
        .where('i.identity', 'in', devices)
        .execute();
      for (const r of rows) linked.set(r.identity, r.external_id);
    }
    const memberOf = (w: Who): string | null =>
      w.kind === 'member' ? w.externalId : (linked.get(w.id) ?? null);

    // 1c. profile updates: each receipt once, ever (within RECEIPT_DAYS)
    const receipts = [...new Set(profiles.flatMap((p) => (p.receipt ? [p.receipt] : [])))];
    const fresh = new Set<string>();
    if (receipts.length) {
      // an old receipt now and then: the table holds a week of profile updates, not all of them
      if (Math.random() < 0.02)
        await trx
          .deleteFrom('sdk_receipts')
          .where('received_at', '<', sql<Date>`now() - ${`${RECEIPT_DAYS} days`}::interval`)
          .execute();
      const rows = await trx
        .insertInto('sdk_receipts')
        .values(receipts.map((receipt_id) => ({ workspace_id: workspaceId, receipt_id })))
        .onConflict((oc) => oc.columns(['workspace_id', 'receipt_id']).doNothing())
        .returning('receipt_id')
        .execute();
      for (const r of rows) fresh.add(r.receipt_id);
    }
    const opsOf = new Map<string, { index: number; op: ProfileOp }[]>();
    const touched = new Set<string>();
    const applied = new Set<string>();
    for (const p of profiles) {
      const ext = memberOf(p.who);
      if (!ext) {
        skipAnonymous(outcome, sdk, p.index, 'profile', p.who);
        continue;
      }
      touched.add(ext);
      if (p.receipt && (!fresh.has(p.receipt) || applied.has(p.receipt))) {
        outcome.duplicates++;
        sdkMessages.inc({ sdk, outcome: 'duplicate' }); // yutang:infra
        continue;
      }
      if (p.receipt) applied.add(p.receipt);
      opsOf.set(ext, [...(opsOf.get(ext) ?? []), { index: p.index, op: p.op }]);
    }
    if (opsOf.size) {
      const ids = await ensureMembers(trx, workspaceId, [...opsOf.keys()]);
      // locked in id order: two requests about the same members cannot deadlock
      const rows = await trx
        .selectFrom('members')
        .select(['id', 'external_id', 'name', 'phone', 'email', 'timezone', 'attributes', 'created_at'])
        .where('id', 'in', [...ids.values()])
        .orderBy('id')
        .forUpdate()
        .execute();
      for (const row of rows) {
        const ops = opsOf.get(row.external_id)!;
        const before: StoredProfile = {
          name: row.name,
          phone: row.phone,
          email: row.email,
          timezone: row.timezone,
          registeredAt: row.created_at,
          attributes: row.attributes ?? {},
        };
        let after: StoredProfile;
        try {
          after = applyProfileOps(
            before,
            ops.map((o) => o.op),
          );
        } catch (err) {
          if (err instanceof ProfileConflict) {
            const at = ops.find((o) => 'attributes' in o.op && Object.hasOwn(o.op.attributes, err.key));
            throw new SdkApplyError(at?.index ?? ops[0].index, `properties.${err.key}`, err.message);
          }
          throw err;
        }
        const attributes = JSON.stringify(after.attributes);
        const bytes = Buffer.byteLength(attributes);
        if (bytes > PAYLOAD_MAX_BYTES)
          throw new SdkApplyError(
            ops[ops.length - 1].index,
            'properties',
            `with the member's stored attributes they would be ${bytes} bytes as JSON; at most ${PAYLOAD_MAX_BYTES}`,
          );
        await trx
          .updateTable('members')
          .set({
            name: after.name,
            phone: after.phone,
            email: after.email,
            timezone: after.timezone,
            attributes,
            updated_at: sql`now()`,
          })
          .where('id', '=', row.id)
          .execute();
        // created_at is written only here and by imports: it is when they registered with the brand
        if (after.registeredAt.getTime() !== before.registeredAt.getTime())
          await sql`update members set created_at = ${after.registeredAt} where id = ${row.id}`.execute(trx);
        outcome.profiles += ops.length;
        sdkMessages.inc({ sdk, outcome: 'profile' }, ops.length); // yutang:infra
      }
    }
    return { memberOf, touched };
  });

  // 2. audiences on member fields take the changed members in (or out); live runs check their exit criteria.
  // Members named by a resent update are evaluated again too: the first attempt may have stopped before this.
  if (touched.size) {
    const ids = await ensureMembers(db, workspaceId, [...touched]);
    const memberIds = [...ids.values()];
    const changes = await evaluateMembersInSet(db, temporal, workspaceId, memberIds);
    const moved = new Set(changes.map((c) => c.memberId));
    for (const id of memberIds)
      if (!moved.has(id)) await signalMemberChanged(db, temporal, id, await memberFacts(db, id));
  }

  // 3. events, through the ingest service
  const incoming: IncomingEvent[] = [];
  for (const e of events) {
    const ext = memberOf(e.who);
    if (!ext) {
      skipAnonymous(outcome, sdk, e.index, 'event', e.who);
      continue;
    }
    incoming.push({
      memberId: ext,
      name: e.name,
      properties: e.properties,
      occurredAt: e.occurredAt,
      id: e.id,
    });
  }
  if (incoming.length) {
    outcome.eventOutcomes = await ingestBatch(db, temporal, workspaceId, incoming);
    for (const o of outcome.eventOutcomes) {
      if (o.duplicate) outcome.duplicates++;
      else outcome.events++;
      sdkMessages.inc({ sdk, outcome: o.duplicate ? 'duplicate' : 'event' }); // yutang:infra
    }
  }
  outcome.skipped.sort((a, b) => a.index - b.index);
  return outcome;
}

function skipAnonymous(outcome: SdkOutcome, sdk: SdkName, index: number, type: string, who: Who) {
  outcome.skipped.push({
    index,
    type,
    reason: 'anonymous',
    message: `${whoKey(who).slice(2)} is a device no member has signed in on (identify / alias / track_signup links it): not kept`,
  });
  sdkMessages.inc({ sdk, outcome: 'skipped_anonymous' }); // yutang:infra
}
