import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { GuardSpec } from '../../workflows/plan.js';
import { memberAddress } from '../channels/channel-settings.service.js';
import { channels } from '../channels/registry.js';
import type { MemberSnapshot } from '../nodes/define-node.js';
import { loadWorkspaceSettings } from '../settings/workspace-settings.js';
import { capApplies, decideGuard, type GuardOutcome, monthBounds, slotsLeft } from './guard-rules.js';

export { monthBounds };

const DAY = 86_400_000;
/** An intent older than this belongs to an attempt that died: it no longer holds a slot. */
const INTENT_TTL_MS = 30_000;

export interface GuardRequest {
  workspaceId: string;
  journeyId: string;
  runId: string;
  /** the effect's idempotency key: a retried attempt of an allowed effect is allowed again, never counted twice */
  key: string;
  member: MemberSnapshot;
  spec: GuardSpec;
  priority: number;
}

export interface GuardOptions {
  /**
   * How long an effect that wants a cap's last slot waits for competitors due at the same instant to show up,
   * so the higher-priority journey gets it (default 300 ms; only sends near a cap pay it).
   */
  settleMs?: number;
  now?: () => number;
}

/**
 * Decide whether a guarded effect may happen now, and if so take its slot — atomically: the member's caps
 * are counted and the slot recorded in one transaction under a per-member lock, so two journeys racing for
 * the last slot never both pass. Competing effects announce themselves first (guard_intents); when they
 * compete for the last slots, higher priority goes first, then the earlier, then the smaller key.
 */
export async function guardEffect(
  db: Kysely<Database>,
  req: GuardRequest,
  opts: GuardOptions = {},
): Promise<GuardOutcome> {
  const now = opts.now ?? Date.now;
  const held = await db
    .selectFrom('contact_ledger')
    .select('idempotency_key')
    .where('idempotency_key', '=', req.key)
    .executeTakeFirst();
  if (held) return { kind: 'allow' };

  const settings = await loadWorkspaceSettings(db, req.workspaceId);
  const channel = req.spec.channel;
  const base = {
    spec: req.spec,
    timezone: req.member.timezone ?? settings.timezone,
    quietHours: settings.quietHours,
    consent: req.member.consent[channel] !== false,
    address: await memberAddress(db, req.workspaceId, channel, req.member),
  };
  const caps = settings.frequencyCaps.filter((c) => capApplies(c, channel));
  const first = decideGuard({ ...base, now: now(), caps: [], contacts: [] });
  if (first.kind !== 'allow') return first;
  const quota = monthlyQuota(channel, settings);
  if (caps.length === 0 && quota === null) {
    await recordContact(db, req, now());
    return { kind: 'allow' };
  }

  const anyChannel = caps.some((c) => c.channel === 'all');
  const windowMs = Math.max(0, ...caps.map((c) => c.perDays)) * DAY;
  const contacts = async (trx: Kysely<Database>, at: number) =>
    (
      await trx
        .selectFrom('contact_ledger')
        .select(['channel', 'at'])
        .where('member_id', '=', req.member.id)
        .where('at', '>', new Date(at - windowMs))
        .execute()
    ).map((r) => ({ channel: r.channel, at: r.at.getTime() }));

  await db
    .insertInto('guard_intents')
    .values({
      idempotency_key: req.key,
      workspace_id: req.workspaceId,
      member_id: req.member.id,
      channel,
      priority: req.priority,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  try {
    // Wanting the last slot: let competitors due at the same instant announce themselves first.
    const t0 = now();
    if (slotsLeft({ spec: req.spec, now: t0, caps, contacts: await contacts(db, t0) }) <= 1)
      await new Promise((r) => setTimeout(r, opts.settleMs ?? 300));

    return await db.transaction().execute(async (trx) => {
      // Intents alone do not suffice: a competitor announcing itself after this effect counted the ones ahead
      // of it, but before this transaction commits its slot, would count the same history and pass too
      // (seen with a widened window: both allowed under a cap of 1). The per-member lock closes that gap.
      await sql`select pg_advisory_xact_lock(hashtextextended(${req.member.id}, 7341))`.execute(trx);
      const again = await trx
        .selectFrom('contact_ledger')
        .select('idempotency_key')
        .where('idempotency_key', '=', req.key)
        .executeTakeFirst();
      if (again) return { kind: 'allow' } as const;
      const t = now();
      const mine = await trx
        .selectFrom('guard_intents')
        .select(['priority', 'created_at'])
        .where('idempotency_key', '=', req.key)
        .executeTakeFirst();
      let ahead = 0;
      if (mine) {
        let q = trx
          .selectFrom('guard_intents')
          .select(sql<number>`count(*)`.as('n'))
          .where('member_id', '=', req.member.id)
          .where('idempotency_key', '!=', req.key)
          .where('created_at', '>', new Date(t - INTENT_TTL_MS))
          .where((eb) =>
            eb.or([
              eb('priority', '>', mine.priority),
              eb.and([eb('priority', '=', mine.priority), eb('created_at', '<', mine.created_at)]),
              eb.and([
                eb('priority', '=', mine.priority),
                eb('created_at', '=', mine.created_at),
                eb('idempotency_key', '<', req.key),
              ]),
            ]),
          );
        if (!anyChannel) q = q.where('channel', '=', channel);
        ahead = (await q.executeTakeFirstOrThrow()).n;
      }
      let outcome = decideGuard({ ...base, now: t, caps, contacts: await contacts(trx, t), ahead });
      if (outcome.kind === 'allow' && quota !== null) {
        // The platform's own allowance (WeCom: a few mass messages a customer a month), shared by all journeys.
        const month = monthBounds(t, settings.timezone);
        const used = await trx
          .selectFrom('contact_ledger')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('member_id', '=', req.member.id)
          .where('channel', '=', channel)
          .where('at', '>=', new Date(month.start))
          .executeTakeFirstOrThrow();
        if (used.n + ahead >= quota)
          outcome =
            req.spec.overCap === 'defer'
              ? { kind: 'defer', reason: 'platform_quota', until: month.end }
              : { kind: 'skip', reason: 'platform_quota' };
      }
      if (outcome.kind === 'allow') await recordContact(trx, req, t);
      await trx.deleteFrom('guard_intents').where('idempotency_key', '=', req.key).execute();
      return outcome;
    });
  } finally {
    await db
      .deleteFrom('guard_intents')
      .where('idempotency_key', '=', req.key)
      .execute()
      .catch(() => {});
  }
}

async function recordContact(db: Kysely<Database>, req: GuardRequest, at: number) {
  await db
    .insertInto('contact_ledger')
    .values({
      idempotency_key: req.key,
      workspace_id: req.workspaceId,
      member_id: req.member.id,
      channel: req.spec.channel,
      journey_id: req.journeyId,
      run_id: req.runId,
      at: new Date(at),
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/** The channel's monthly platform allowance per member (null: none), from the workspace setting or its default. */
function monthlyQuota(
  channel: string,
  settings: Awaited<ReturnType<typeof loadWorkspaceSettings>>,
): number | null {
  const q = channels.get(channel)?.monthlyQuota;
  if (!q) return null;
  const set = settings[q.setting];
  return set === undefined ? q.default : set;
}
