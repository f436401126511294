import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { RUN_STATUSES } from '../../../workflows/core/interpreter.js';
import { audit } from '../../auth/audit.js';
import { couponWords } from '../../coupons/coupon-words.js';
import { findMemberIdByExternalId } from '../../repositories/member.repository.js';
import { signalRun } from '../../services/runs.service.js';
import { AppError, notFound } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { pageQuery, paginate } from '../pagination.js';
import { body, externalId, query, safeText, uuidParam } from '../validate.js';
import type {
  BulkRunResult,
  CouponView,
  MessageView,
  RunActionResult,
  RunDetail,
  RunView,
} from '../views.js';

const runStatus = z.enum(RUN_STATUSES);
const runsQuery = z.object({
  journeyId: z.uuid().optional(),
  memberId: externalId.optional(),
  status: runStatus.optional(),
  ...pageQuery,
});
const memberQuery = z.object({
  memberId: externalId.optional(),
  journeyId: z.uuid().optional(),
  ...pageQuery,
});

documented({
  method: 'get',
  path: '/api/runs',
  summary: 'Runs, newest first, filtered by journey, member (external id) and status; cursor pages',
  tag: 'runs',
  query: runsQuery,
  permission: 'runs.read',
});
documented({
  method: 'get',
  path: '/api/runs/:id',
  summary: 'A run with the path it took, node by node',
  tag: 'runs',
  permission: 'runs.read',
});
documented({
  method: 'post',
  path: '/api/runs/:id/cancel',
  summary:
    'Cancel a run wherever it is: its workflow records it a moment later (the answer has the run as it is now)',
  tag: 'runs',
  permission: 'runs.operate',
  audit: 'run.cancel',
});
documented({
  method: 'post',
  path: '/api/runs/:id/retry',
  summary:
    'Retry the failed step of a run: its workflow takes it a moment later (the answer has the run as it is now)',
  tag: 'runs',
  permission: 'runs.operate',
  audit: 'run.retry',
});
const bulkBody = z.object({
  journeyId: z.uuid(),
  /** the node the failed runs stopped at */
  nodeId: safeText(100, { min: 1, line: true }),
  action: z.enum(['cancel', 'retry']),
});
/** Runs one bulk call acts on; a node with more failed runs takes another call (the answer says how many remain). */
const BULK_MAX = 1000;
documented({
  method: 'post',
  path: '/api/runs/bulk',
  summary: `Cancel or retry every failed run of a journey at one node (up to ${BULK_MAX} a call; \`remaining\` says how many are left)`,
  tag: 'runs',
  body: bulkBody,
  permission: 'runs.operate',
  audit: 'run.bulk',
});
documented({
  method: 'get',
  path: '/api/messages',
  summary: 'Messages (the outbox), newest first, by member and journey; cursor pages',
  tag: 'runs',
  query: memberQuery,
  permission: 'runs.read',
});
documented({
  method: 'get',
  path: '/api/coupons',
  summary: 'Issued coupons, newest first, by member and journey; cursor pages',
  tag: 'runs',
  query: memberQuery,
  permission: 'runs.read',
});

/** How long a bulk action waits for its runs to leave `failed` before answering (the counts shown next). */
const WAIT_MS = 5000;

export function runRoutes({ db, temporal }: AppDeps) {
  const app = new Hono<AppEnv>();

  const runSelect = (ws: string) =>
    db
      .selectFrom('runs as r')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .innerJoin('journeys as j', 'j.id', 'r.journey_id')
      .leftJoin('journey_versions as v', (join) =>
        join.onRef('v.journey_id', '=', 'r.journey_id').onRef('v.version', '=', 'r.version'),
      )
      .select([
        'r.id',
        'r.journey_id as journeyId',
        'j.name as journeyName',
        'r.version',
        'm.external_id as memberId',
        'r.status',
        'r.current_node_id as currentNodeId',
        // the current node's type, so a list can say where a run is in words without loading each plan
        sql<string | null>`v.plan->'nodes'->r.current_node_id->>'type'`.as('currentNodeType'),
        'r.next_at as nextAt',
        'r.started_at as startedAt',
        'r.updated_at as updatedAt',
        'r.ended_at as endedAt',
        'r.exit_reason as exitReason',
        'r.error',
        'r.workflow_id as workflowId',
      ])
      .where('r.workspace_id', '=', ws);

  /** A member id the workspace never saw matches nothing (an empty list, not an error). */
  async function memberFilter(ws: string, ext: string | undefined) {
    if (ext === undefined) return undefined;
    return (await findMemberIdByExternalId(db, ws, ext)) ?? '00000000-0000-0000-0000-000000000000';
  }

  app.get('/runs', async (c) => {
    const ws = c.get('workspaceId');
    const q = query(c, runsQuery);
    let sel = runSelect(ws);
    if (q.journeyId) sel = sel.where('r.journey_id', '=', q.journeyId);
    const member = await memberFilter(ws, q.memberId);
    if (member) sel = sel.where('r.member_id', '=', member);
    if (q.status) sel = sel.where('r.status', '=', q.status);
    const page = await paginate(sel, { at: 'r.started_at', id: 'r.id' }, q);
    return c.json({ runs: page.items satisfies RunView[], nextCursor: page.nextCursor });
  });

  app.get('/runs/:id', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'run');
    const run = await runSelect(ws).where('r.id', '=', id).executeTakeFirst();
    if (!run) throw notFound('run');
    const steps = await db
      .selectFrom('run_steps')
      .select(['seq', 'node_id as nodeId', 'node_type as nodeType', 'output', 'status', 'at', 'detail'])
      .where('run_id', '=', id)
      .orderBy('seq')
      .execute();
    const ui = temporal.uiUrl
      ? `${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows/${encodeURIComponent(run.workflowId)}`
      : null;
    return c.json({ run: { ...run, temporalUrl: ui }, steps } satisfies RunDetail);
  });

  /** Cancel one run; false when it was no longer live. */
  async function cancelRun(id: string, workflowId: string) {
    const delivered = await signalRun(temporal, workflowId, 'cancel', 'cancelled_by_ops');
    if (!delivered) {
      // The workflow is gone (e.g. terminated in Temporal): make the record say so rather than stay "running".
      await db
        .updateTable('runs')
        .set({
          status: 'cancelled',
          exit_reason: 'cancelled_by_ops',
          ended_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .where('status', 'in', ['running', 'waiting', 'failed'])
        .execute();
    }
  }

  app.post('/runs/:id/cancel', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'run');
    const run = await runSelect(ws).where('r.id', '=', id).executeTakeFirst();
    if (!run) throw notFound('run');
    if (!['running', 'waiting', 'failed'].includes(run.status))
      throw new AppError('conflict', `the run is already ${run.status}`);
    await cancelRun(id, run.workflowId);
    const after = await runSelect(ws).where('r.id', '=', id).executeTakeFirstOrThrow();
    return c.json({ ok: true, run: after } satisfies RunActionResult, 202);
  });

  app.post('/runs/:id/retry', async (c) => {
    const ws = c.get('workspaceId');
    const id = uuidParam(c, 'id', 'run');
    const run = await runSelect(ws).where('r.id', '=', id).executeTakeFirst();
    if (!run) throw notFound('run');
    if (run.status !== 'failed')
      throw new AppError('conflict', `only a failed run can be retried; this one is ${run.status}`);
    if (!(await signalRun(temporal, run.workflowId, 'retry')))
      throw new AppError('conflict', 'the run’s workflow no longer exists');
    const after = await runSelect(ws).where('r.id', '=', id).executeTakeFirstOrThrow();
    return c.json({ ok: true, run: after } satisfies RunActionResult, 202);
  });

  app.post('/runs/bulk', async (c) => {
    const ws = c.get('workspaceId');
    const input = await body(c, bulkBody);
    const journey = await db
      .selectFrom('journeys')
      .select('id')
      .where('workspace_id', '=', ws)
      .where('id', '=', input.journeyId)
      .executeTakeFirst();
    if (!journey) throw notFound('journey');
    const failedAt = () =>
      db
        .selectFrom('runs')
        .where('journey_id', '=', input.journeyId)
        .where('current_node_id', '=', input.nodeId)
        .where('status', '=', 'failed');
    const runs = await failedAt()
      .select(['id', 'workflow_id'])
      .orderBy('started_at')
      .limit(BULK_MAX)
      .execute();
    // A few signals at a time: enough to finish a thousand runs in seconds without crowding Temporal.
    let acted = 0;
    let gone = 0;
    for (let i = 0; i < runs.length; i += 16) {
      await Promise.all(
        runs.slice(i, i + 16).map(async (r) => {
          if (input.action === 'cancel') {
            await cancelRun(r.id, r.workflow_id);
            acted++;
          } else if (await signalRun(temporal, r.workflow_id, 'retry')) acted++;
          else gone++;
        }),
      );
    }
    // The answer waits (briefly) for the runs to leave `failed`, so the counts shown next are the new ones.
    const until = Date.now() + WAIT_MS;
    let still = runs.length;
    while (still > gone && Date.now() < until) {
      const { n } = await db
        .selectFrom('runs')
        .select(sql<number>`count(*)::int`.as('n'))
        .where(
          'id',
          'in',
          runs.map((r) => r.id),
        )
        .where('status', '=', 'failed')
        .executeTakeFirstOrThrow();
      still = n;
      if (still > gone) await new Promise((r) => setTimeout(r, 200));
    }
    const { remaining } = await failedAt()
      .select(sql<number>`count(*)::int`.as('remaining'))
      .executeTakeFirstOrThrow();
    audit(c)
      .target('journey', input.journeyId)
      .detail({ action: input.action, nodeId: input.nodeId, matched: runs.length, acted, gone });
    return c.json(
      { matched: runs.length, acted, workflowGone: gone, remaining } satisfies BulkRunResult,
      202,
    );
  });

  app.get('/messages', async (c) => {
    const ws = c.get('workspaceId');
    const q = query(c, memberQuery);
    let sel = db
      .selectFrom('messages as x')
      .innerJoin('members as m', 'm.id', 'x.member_id')
      .select([
        'x.id',
        'x.run_id as runId',
        'x.journey_id as journeyId',
        'x.node_id as nodeId',
        'm.external_id as memberId',
        'x.channel',
        'x.to_address as to',
        'x.title',
        'x.body',
        'x.status',
        'x.skip_reason as skipReason',
        'x.provider',
        'x.error',
        'x.delivery_status as deliveryStatus',
        'x.created_at as createdAt',
        'x.sent_at as sentAt',
      ])
      .where('x.workspace_id', '=', ws);
    const member = await memberFilter(ws, q.memberId);
    if (member) sel = sel.where('x.member_id', '=', member);
    if (q.journeyId) sel = sel.where('x.journey_id', '=', q.journeyId);
    const page = await paginate(sel, { at: 'x.created_at', id: 'x.id' }, q);
    return c.json({ messages: page.items satisfies MessageView[], nextCursor: page.nextCursor });
  });

  app.get('/coupons', async (c) => {
    const ws = c.get('workspaceId');
    const q = query(c, memberQuery);
    let sel = db
      .selectFrom('coupons as x')
      .innerJoin('members as m', 'm.id', 'x.member_id')
      .innerJoin('coupon_templates as t', 't.id', 'x.template_id')
      .select([
        'x.id',
        'x.code',
        'x.status',
        'x.template_id as templateId',
        't.name as templateName',
        't.kind',
        't.value',
        't.threshold',
        'm.external_id as memberId',
        'x.run_id as runId',
        'x.journey_id as journeyId',
        'x.node_id as nodeId',
        'x.issued_at as issuedAt',
        'x.expires_at as expiresAt',
      ])
      .where('x.workspace_id', '=', ws);
    const member = await memberFilter(ws, q.memberId);
    if (member) sel = sel.where('x.member_id', '=', member);
    if (q.journeyId) sel = sel.where('x.journey_id', '=', q.journeyId);
    const page = await paginate(sel, { at: 'x.issued_at', id: 'x.id' }, q);
    const coupons: CouponView[] = page.items.map((x) => ({ ...x, words: couponWords(x) }));
    return c.json({ coupons, nextCursor: page.nextCursor });
  });

  return app;
}
