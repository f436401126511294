import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Plan } from '../../workflows/plan.js';
import { configuredChannels } from '../channels/channel-settings.service.js';
import { channelLabels } from '../channels/channels.js';
import { channels } from '../channels/registry.js';
import type { Problem } from '../compiler/problem.js';
import type { Localized } from '../nodes/define-node.js';

/** The channel each node that messages the member sends on (its guard stage names it). */
function channelNodes(plan: Plan): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const node of Object.values(plan.nodes)) {
    const b = node.behavior;
    if (b.kind !== 'action' || !b.guard?.channel) continue;
    by.set(b.guard.channel, [...(by.get(b.guard.channel) ?? []), node.id]);
  }
  return by;
}

/**
 * Message nodes that a configured provider could not send: the provider takes only its own form (an SMS
 * template code and parameters, a WeChat template), and the node has text only. The sandbox would have sent
 * the text, so the canvas cannot know this by itself; validating and publishing ask here, and publishing is
 * refused with the node and the field (`content`), instead of every member's step failing later.
 */
export async function channelFormProblems(
  db: Kysely<Database>,
  workspaceId: string,
  plan: Plan,
): Promise<Problem[]> {
  const used = channelNodes(plan);
  if (used.size === 0) return [];
  const live = await configuredChannels(db, workspaceId);
  const problems: Problem[] = [];
  for (const [channel, nodeIds] of used) {
    const def = channels.get(channel);
    if (!def || !live.has(channel) || def.fromText) continue;
    for (const nodeId of nodeIds) {
      if (plan.nodes[nodeId].config.content) continue;
      problems.push({
        nodeId,
        field: 'content',
        code: 'check',
        message: `${channel} is configured: its provider sends only its own message form (content), fill it in`,
      });
    }
  }
  return problems;
}

export interface PublishSummary {
  trigger: {
    nodeId: string;
    /** `event`, `segment`, `date`, `manual` (a custom trigger's own) */
    kind: string;
    event: string | null;
    segment: { id: string; name: string | null; members: number } | null;
    /** a segment trigger that also takes in everyone already in the audience when published */
    includeExisting: boolean;
  };
  /** members who can enter as soon as this is published: the audience now (segment trigger), else null */
  enterNow: number | null;
  /** the workspace's members: who may enter by event, date or list */
  members: number;
  /** every channel the journey sends on: live (the workspace's provider) or sandbox (nothing reaches members) */
  channels: { channel: string; label: Localized; mode: 'live' | 'sandbox'; nodeIds: string[] }[];
  /** what publishing would refuse (compile problems, missing audiences and secrets, provider forms) */
  problems: Problem[];
}

/**
 * What publishing this plan would do, for the confirmation the marketer reads before publishing: the trigger,
 * who can enter now, each channel and whether it is live or the sandbox, and what would be refused.
 */
export async function publishSummary(
  db: Kysely<Database>,
  workspaceId: string,
  plan: Plan,
  problems: Problem[],
): Promise<PublishSummary> {
  const entry = plan.trigger.entry;
  const kind = entry.on;
  const segmentId = kind === 'segment' ? String(entry.segmentId) : null;
  const [members, segment, live] = await Promise.all([
    db
      .selectFrom('members')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow(),
    segmentId
      ? db
          .selectFrom('segments as s')
          .select([
            's.name',
            (eb) =>
              eb
                .selectFrom('segment_members as sm')
                .select(sql<number>`count(*)::int`.as('n'))
                .whereRef('sm.segment_id', '=', 's.id')
                .where('sm.left_at', 'is', null)
                .as('members'),
          ])
          .where('s.workspace_id', '=', workspaceId)
          .where('s.id', '=', segmentId)
          .executeTakeFirst()
      : undefined,
    configuredChannels(db, workspaceId),
  ]);
  const includeExisting = kind === 'segment' && entry.includeExisting === true;
  const segmentView = segmentId
    ? { id: segmentId, name: segment?.name ?? null, members: Number(segment?.members ?? 0) }
    : null;
  return {
    trigger: {
      nodeId: plan.trigger.nodeId,
      kind,
      event:
        kind === 'event' && typeof entry.match === 'object'
          ? String((entry.match as { event: unknown }).event)
          : null,
      segment: segmentView,
      includeExisting,
    },
    enterNow: includeExisting ? (segmentView?.members ?? 0) : null,
    members: members.n,
    channels: [...channelNodes(plan)].map(([channel, nodeIds]) => ({
      channel,
      label: channelLabels[channel] ?? { zh: channel, en: channel },
      mode: live.has(channel) ? ('live' as const) : ('sandbox' as const),
      nodeIds,
    })),
    problems,
  };
}
