import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { SegmentFacts } from './evaluate.js';
import { leaves, type SegmentRule } from './rules.js';

const DAY = 86_400_000;

/**
 * The facts of one member that some rules need — and only those: the events of the names they count, as
 * far back as their longest window; the last time of the names they ask about; the audiences they refer to.
 * Every query is by member id (indexed), so this is the cheap real-time path.
 */
export async function loadSegmentFacts(
  db: Kysely<Database>,
  memberId: string,
  rules: SegmentRule[],
  now: number,
): Promise<SegmentFacts | null> {
  const member = await db
    .selectFrom('members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['m.attributes', 'm.consent', 'm.created_at', 'm.timezone', 'w.timezone as workspaceTz'])
    .where('m.id', '=', memberId)
    .executeTakeFirst();
  if (!member) return null;
  const all = rules.flatMap(leaves);
  const windows = new Map<string, number>();
  const lastNames = new Set<string>();
  let needTags = false;
  let needSegments = false;
  for (const l of all) {
    if (l.kind === 'event_count' || l.kind === 'event_sum')
      windows.set(l.event, Math.max(windows.get(l.event) ?? 0, l.days));
    if (l.kind === 'last_event') lastNames.add(l.event);
    if (l.kind === 'tag') needTags = true;
    if (l.kind === 'segment') needSegments = true;
  }
  const [tags, events, stats, segments] = await Promise.all([
    needTags
      ? db.selectFrom('member_tags').select('tag').where('member_id', '=', memberId).execute()
      : Promise.resolve([]),
    Promise.all(
      [...windows].map(async ([name, days]) => {
        const rows = await db
          .selectFrom('events')
          .select(['occurred_at', 'properties'])
          .where('member_id', '=', memberId)
          .where('name', '=', name)
          .where('occurred_at', '>', new Date(now - days * DAY))
          .where('occurred_at', '<=', new Date(now))
          .execute();
        return [
          name,
          rows.map((r) => ({ at: r.occurred_at.getTime(), properties: r.properties ?? {} })),
        ] as const;
      }),
    ),
    lastNames.size
      ? db
          .selectFrom('member_event_stats')
          .select(['name', 'last_at'])
          .where('member_id', '=', memberId)
          .where('name', 'in', [...lastNames])
          .execute()
      : Promise.resolve([]),
    needSegments
      ? db
          .selectFrom('segment_members')
          .select('segment_id')
          .where('member_id', '=', memberId)
          .where('left_at', 'is', null)
          .execute()
      : Promise.resolve([]),
  ]);
  const lastAt: Record<string, number | null> = {};
  for (const name of lastNames) lastAt[name] = null;
  for (const s of stats) lastAt[s.name] = s.last_at.getTime();
  return {
    now,
    timezone: member.timezone ?? member.workspaceTz,
    tags: tags.map((t) => t.tag),
    attributes: member.attributes ?? {},
    consent: member.consent ?? {},
    registeredAt: member.created_at.getTime(),
    events: Object.fromEntries(events),
    lastAt,
    segments: segments.map((s) => s.segment_id),
  };
}
