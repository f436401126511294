import { Hono } from 'hono';
import { z } from 'zod';
import { audit, audited } from '../../auth/audit.js';
import { evaluateMembersInSet } from '../../segments/segments.service.js';
import {
  countTagMembers,
  listEventNameCounts,
  listTagCounts,
  mergeTags,
  removeTag,
  tagUsers,
} from '../../tags/tags.repository.js';
import { AppError } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { body, query, safeText } from '../validate.js';

/** A tag as members hold it (the same limits as a member's tags). */
const tagName = safeText(64, { min: 1, trim: true, line: true });
const usageQuery = z.object({ tag: tagName });
const mergeBody = z.object({
  /** the tags whose members move to `into`; one tag and a new name is a rename */
  from: z.array(tagName).min(1).max(50),
  into: tagName,
});
const deleteBody = z.object({ tag: tagName });

/** Events every brand sends; offered before the workspace has seen any (marked as not seen). */
const COMMON_EVENTS = [
  'member_registered',
  'order_paid',
  'app_open',
  'member_inactive_30d',
  'member_lapsed_90d',
  'coupon_redeemed',
  // a member followed a tracked link of a message (engine/links/): a goal, an exit or a wait.event
  'link_clicked',
];

documented({
  method: 'get',
  path: '/api/tags',
  summary: 'Every tag members hold, with how many hold it (the tag page and the tag pickers)',
  tag: 'tags',
  permission: 'journeys.read',
});
documented({
  method: 'get',
  path: '/api/tags/usage',
  summary: 'One tag: its members count and the journeys and audiences that use it',
  tag: 'tags',
  query: usageQuery,
  permission: 'journeys.read',
});
documented({
  method: 'post',
  path: '/api/tags/merge',
  summary: 'Merge tags into one (or rename one): members holding any of `from` hold `into`; `from` is gone',
  tag: 'tags',
  body: mergeBody,
  permission: 'audiences.edit',
  audit: 'tag.merge',
});
documented({
  method: 'post',
  path: '/api/tags/delete',
  summary: 'Take a tag off every member; refused (409) while a journey or audience uses it, with the count',
  tag: 'tags',
  body: deleteBody,
  permission: 'audiences.edit',
  audit: 'tag.delete',
});
documented({
  method: 'get',
  path: '/api/event-names',
  summary:
    'Event names the workspace has received, with counts, most frequent first; common names not yet seen follow with count 0',
  tag: 'catalog',
  permission: 'journeys.read',
});

export function tagRoutes({ db, temporal }: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/tags', async (c) => c.json({ tags: await listTagCounts(db, c.get('workspaceId')) }));

  app.get('/tags/usage', async (c) => {
    const ws = c.get('workspaceId');
    const { tag } = query(c, usageQuery);
    const [members, users] = await Promise.all([countTagMembers(db, ws, tag), tagUsers(db, ws, tag)]);
    return c.json({ tag, members, ...users });
  });

  app.post('/tags/merge', async (c) => {
    const ws = c.get('workspaceId');
    const input = await body(c, mergeBody);
    const from = [...new Set(input.from)].filter((t) => t !== input.into);
    if (!from.length)
      throw new AppError('invalid_input', 'from: name at least one tag other than `into`', { field: 'from' });
    const members = await audited(c, db, async (trx) => {
      const moved = await mergeTags(trx, ws, from, input.into);
      audit(c).target('tag', input.into).detail({ from, into: input.into, members: moved.length });
      return moved;
    });
    // Audiences on tags take the members' new tags in now; journeys that still name an old tag keep doing so
    // (the answer lists them, the page warns before the merge).
    await evaluateMembersInSet(db, temporal, ws, members);
    const stillUsing = await Promise.all(from.map((t) => tagUsers(db, ws, t)));
    return c.json({
      into: input.into,
      from,
      membersMoved: members.length,
      members: await countTagMembers(db, ws, input.into),
      stillUsedBy: {
        journeys: stillUsing.flatMap((u) => u.journeys),
        audiences: stillUsing.flatMap((u) => u.audiences),
      },
    });
  });

  app.post('/tags/delete', async (c) => {
    const ws = c.get('workspaceId');
    const { tag } = await body(c, deleteBody);
    const users = await tagUsers(db, ws, tag);
    const used = users.journeys.length + users.audiences.length;
    if (used)
      throw new AppError(
        'conflict',
        `the tag is used by ${users.journeys.length} journey(s) and ${users.audiences.length} audience(s); change them first`,
        { field: 'tag', ...users },
      );
    const members = await audited(c, db, async (trx) => {
      const removed = await removeTag(trx, ws, tag);
      audit(c).target('tag', tag).detail({ members: removed.length });
      return removed;
    });
    await evaluateMembersInSet(db, temporal, ws, members);
    return c.json({ tag, deleted: true, membersUntagged: members.length });
  });

  app.get('/event-names', async (c) => {
    const seen = await listEventNameCounts(db, c.get('workspaceId'));
    const names = new Set(seen.map((e) => e.name));
    const common = COMMON_EVENTS.filter((n) => !names.has(n)).map((name) => ({
      name,
      count: 0,
      lastAt: null,
    }));
    return c.json({ events: [...seen, ...common] });
  });

  return app;
}
