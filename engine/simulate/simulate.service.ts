import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Plan } from '../../workflows/plan.js';
import { configuredChannels } from '../channels/channel-settings.service.js';
import { addressFor, CHANNELS } from '../channels/channels.js';
import { channels } from '../channels/registry.js';
import type { GuideCandidate } from '../guides/guide-choice.js';
import { memberGuide } from '../guides/guides.repository.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { findMemberIdByExternalId, memberSnapshot } from '../repositories/member.repository.js';
import { splitNodes } from '../results/split-config.js';
import { splitWinner } from '../results/split-decision.js';
import { loadWorkspaceSettings } from '../settings/workspace-settings.js';
import { type SimulationInput, simulateJourneyInSlices } from './simulate.js';

const DAY = 86_400_000;

export class SimulationMemberNotFound extends Error {}

/**
 * Simulate a journey for a member — a real one (their tags, attributes, zone, consent, holdout and contact
 * history count) or a made-up one — under the workspace's quiet hours and caps. The simulation itself runs in
 * slices that let other requests through, for at most `limits.timeoutMs` (SimulationTooLong past that).
 */
export async function simulateForMember(
  db: Kysely<Database>,
  registry: NodeRegistry,
  workspaceId: string,
  journeyId: string,
  plan: Plan,
  input: Omit<SimulationInput, 'journeyKey' | 'memberKey' | 'heldOut'> & { memberId?: string },
  limits: { timeoutMs: number },
) {
  const settings = await loadWorkspaceSettings(db, workspaceId);
  // the platform allowances the guard keeps (WeCom: 4 a month unless the workspace says otherwise)
  const monthlyQuotas: Record<string, number> = {};
  for (const ch of channels.all()) {
    const q = ch.monthlyQuota;
    const value = q ? (settings[q.setting] === undefined ? q.default : settings[q.setting]) : null;
    if (typeof value === 'number') monthlyQuotas[ch.id] = value;
  }
  let member = input.member;
  const configured = await configuredChannels(db, workspaceId);
  let contacts: { channel: string; at: number }[] = [];
  let noAddress: string[] = [];
  const channelSkips: Record<string, string> = {};
  let memberKey: string | undefined;
  let heldOut = false;
  if (input.memberId) {
    const id = await findMemberIdByExternalId(db, workspaceId, input.memberId);
    const snapshot = id ? await memberSnapshot(db, id) : null;
    if (!snapshot) throw new SimulationMemberNotFound(input.memberId);
    const guide = await memberGuide(db, snapshot.id);
    member = {
      tags: snapshot.tags,
      attributes: snapshot.attributes,
      timezone: snapshot.timezone,
      consent: snapshot.consent,
      guide: guide && { id: guide.id, name: guide.name, active: guide.active },
    };
    memberKey = snapshot.id;
    // the address the worker's guard reads: the provider's kind where the workspace configured one
    noAddress = CHANNELS.filter((ch) => !addressFor(ch, snapshot, configured.has(ch)));
    for (const ch of configured) {
      const reason = await channels.get(ch)?.skipReason?.(db, snapshot);
      if (reason) channelSkips[ch] = reason;
    }
    // as far back as the longest cap, and a month for platform quotas
    const longest =
      Math.max(Object.keys(monthlyQuotas).length ? 32 : 0, ...settings.frequencyCaps.map((c) => c.perDays)) *
      DAY;
    const since = (input.startAt ?? Date.now()) - longest;
    contacts = (
      await db
        .selectFrom('contact_ledger')
        .select(['channel', 'at'])
        .where('member_id', '=', snapshot.id)
        .where('at', '>', new Date(since))
        .execute()
    ).map((r) => ({ channel: r.channel, at: r.at.getTime() }));
    heldOut = !!(await db
      .selectFrom('journey_holdouts')
      .select('member_id')
      .where('journey_id', '=', journeyId)
      .where('member_id', '=', snapshot.id)
      .executeTakeFirst());
  }
  // Splits place the member as the worker would now: a decided winner (or one the auto-winner would name).
  const splitDecisions: Record<string, string> = {};
  for (const split of splitNodes(plan)) {
    const variant = await splitWinner(
      db,
      { workspaceId, journeyId, version: 0, nodeId: split.nodeId, plan },
      { write: false },
    );
    if (variant) splitDecisions[split.nodeId] = variant;
  }
  return simulateJourneyInSlices(
    plan,
    registry,
    { ...input, member, journeyKey: journeyId, memberKey, heldOut },
    {
      timezone: settings.timezone,
      quietHours: settings.quietHours,
      frequencyCaps: settings.frequencyCaps,
      contacts,
      noAddress,
      monthlyQuotas,
      splitDecisions,
      guidesByWecomUserId: await guidesNamedIn(db, workspaceId, plan),
      channelSkips,
    },
    limits,
  );
}

/**
 * The workspace's guides a plan's node configs name by WeCom user id (a guide task's fallback guide), looked
 * up the way the worker would: any string in a config may be one, so no node type is known here by name.
 */
async function guidesNamedIn(
  db: Kysely<Database>,
  workspaceId: string,
  plan: Plan,
): Promise<Record<string, GuideCandidate>> {
  const strings = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string' && v.length <= 64) strings.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  for (const node of Object.values(plan.nodes)) walk(node.config);
  if (strings.size === 0) return {};
  const rows = await db
    .selectFrom('guides')
    .select(['id', 'name', 'active', 'wecom_userid'])
    .where('workspace_id', '=', workspaceId)
    .where('wecom_userid', 'in', [...strings].slice(0, 5000))
    .execute();
  return Object.fromEntries(
    rows.flatMap((r) =>
      r.wecom_userid ? [[r.wecom_userid, { id: r.id, name: r.name, active: r.active }]] : [],
    ),
  );
}
