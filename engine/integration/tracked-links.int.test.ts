import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest } from '../../workflows/activities.js';
import { linkRedirectRoutes } from '../api/link-redirect.js';
import { createServerApp } from '../api/server-app.js';
import { authConfigFromEnv } from '../auth/auth-config.js';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { ensureMember } from '../repositories/member.repository.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';
import { createSandboxChannels } from '../worker/channels.js';
import { createNodeExecutor } from '../worker/execute-node.js';

const SHOP = 'https://shop.example.com/new?from=sms&x=1|2';
/** Clicks on one code closer than this are one click; the test waits past it for a second counted click. */
const DEDUPE_MS = 800;

/**
 * Tracked links end to end on real Postgres, a real Temporal server and a real HTTP server: a journey sends
 * `{{link "…"}}`, the member's short link is fetched without following it (302 + Location), the click is a
 * `link_clicked` event that converts the run (goal) or continues a wait, and the message funnel equals a hand
 * count; a retried send keeps its code; unknown, malformed and expired codes get the 404 page.
 */
describe('tracked links', () => {
  let stack: Stack;
  let server: ServerType;
  let origin: string;
  const savedBase = process.env.YUTANG_LINK_BASE_URL;

  beforeAll(async () => {
    stack = await startStack();
    const auth = authConfigFromEnv();
    const temporal = { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null };
    const app = createServerApp({
      config: auth,
      api: stack.app,
      links: linkRedirectRoutes({ db: stack.db, temporal, auth, dedupeMs: DEDUPE_MS }),
      webRoot: 'no-web-ui-here',
    });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // where the worker (in this process) points the links it makes
    process.env.YUTANG_LINK_BASE_URL = origin;
  });
  afterAll(async () => {
    if (savedBase === undefined) delete process.env.YUTANG_LINK_BASE_URL;
    else process.env.YUTANG_LINK_BASE_URL = savedBase;
    await new Promise((r) => server?.close(r));
    await stack?.stop();
  });

  async function publish(name: string, document: JourneyDocument) {
    const j = await stack.ok('POST', '/journeys', { name, document });
    await stack.ok('POST', `/journeys/${j.id}/publish`, {});
    return j.id as string;
  }
  const runOf = (journeyId: string, member: string, ok: (r: any) => boolean, what: string) =>
    eventually(
      async () => {
        const { runs } = await stack.ok('GET', `/runs?journeyId=${journeyId}&memberId=${member}`);
        return runs.find(ok);
      },
      30_000,
      what,
    );
  /** The short link in the member's message, as the sandbox sent it. */
  async function linkIn(journeyId: string, member: string): Promise<string> {
    const msg = await eventually(
      async () => {
        const { messages } = await stack.ok('GET', `/messages?memberId=${member}&journeyId=${journeyId}`);
        return messages.find((m: any) => m.status === 'sent');
      },
      30_000,
      `${member}'s message`,
    );
    const links = msg.body.match(/http:\/\/127\.0\.0\.1:\d+\/l\/[0-9A-Za-z]+/g) ?? [];
    expect(links, msg.body).toHaveLength(1);
    return links[0];
  }
  const click = (url: string, method = 'GET') => fetch(url, { method, redirect: 'manual' });

  it('a click redirects, converts the run through a link_clicked goal, and the funnel equals a hand count', async () => {
    const j = await publish('tracked-goal', {
      nodes: [
        node('t', 'trigger.event', { event: 'tl_start' }),
        node('s', 'split', {
          variants: [
            { id: 'a', label: 'A', percent: 50 },
            { id: 'b', label: 'B', percent: 50 },
          ],
        }),
        node('ma', 'message', { channel: 'push', body: '{{member.name}}，新品上架 {{link "' + SHOP + '"}}' }),
        node('mb', 'message', { channel: 'push', body: '限时 8 折 {{link "' + SHOP + '"}} 回T退订' }),
        node('w', 'wait.duration', { amount: 7, unit: 'days' }),
        node('x', 'exit'),
      ],
      edges: [
        edge('t', 's'),
        edge('s', 'ma', 'a'),
        edge('s', 'mb', 'b'),
        edge('ma', 'w'),
        edge('mb', 'w'),
        edge('w', 'x'),
      ],
      settings: { goal: { event: 'link_clicked' } },
    });
    const members = Array.from({ length: 8 }, (_, i) => `tl${i}`);
    for (const m of members) {
      await stack.ok('PUT', `/members/${m}`, { name: `会员${m}` });
      await stack.ok('POST', '/events', { memberId: m, name: 'tl_start', id: `${m}-start` });
    }
    const links = new Map<string, string>();
    for (const m of members) links.set(m, await linkIn(j, m));
    expect(new Set(links.values()).size).toBe(members.length); // one code per send

    // tl0: a double tap (one click); tl1: two clicks apart (two clicks, one member); tl2: one click; others none
    const r0 = await Promise.all([click(links.get('tl0')!), click(links.get('tl0')!)]);
    for (const r of r0) {
      expect(r.status).toBe(302);
      expect(r.headers.get('location')).toBe(new URL(SHOP).href);
    }
    expect((await click(links.get('tl1')!)).status).toBe(302);
    await new Promise((r) => setTimeout(r, DEDUPE_MS + 300));
    expect((await click(links.get('tl1')!)).status).toBe(302);
    expect((await click(links.get('tl2')!)).status).toBe(302);
    // a previewer's HEAD is sent on but not counted
    const head = await click(links.get('tl3')!, 'HEAD');
    expect(head.status).toBe(302);

    for (const m of ['tl0', 'tl1', 'tl2']) {
      const run = await runOf(j, m, (r) => r.status === 'converted', `${m} converted by the click`);
      expect(run.exitReason).toBe('goal');
    }
    const waiting = await runOf(j, 'tl3', (r) => r.status === 'waiting', 'tl3 still waiting');
    expect(waiting.currentNodeId).toBe('w');

    // the events as the journeys saw them: one per counted click, with the link's run and node
    const events = await stack.db
      .selectFrom('events')
      .innerJoin('members', 'members.id', 'events.member_id')
      .select(['members.external_id as member', 'events.properties'])
      .where('events.workspace_id', '=', stack.workspaceId)
      .where('events.name', '=', 'link_clicked')
      .execute();
    expect(events.map((e) => e.member).sort()).toEqual(['tl0', 'tl1', 'tl1', 'tl2']);
    const tl2run = await runOf(j, 'tl2', () => true, 'tl2 run');
    expect(events.find((e) => e.member === 'tl2')?.properties).toMatchObject({
      url: new URL(SHOP).href,
      journeyId: j,
      runId: tl2run.id,
      code: links.get('tl2')!.split('/l/')[1],
    });

    // The hand count, from the outbox, the links and the runs themselves
    const hand = await sql<{
      node_id: string;
      variant: string;
      sent: number;
      clicks: number;
      clicked: number;
      converted: number;
    }>`
      select m.node_id, m.variant, count(*)::int as sent,
             coalesce(sum(l.clicks), 0)::int as clicks,
             count(*) filter (where l.clicks > 0)::int as clicked,
             count(*) filter (where r.status = 'converted')::int as converted
      from messages m join runs r on r.id = m.run_id left join links l on l.send_key = m.idempotency_key
      where m.journey_id = ${j} and m.status = 'sent'
      group by 1, 2 order by 1`.execute(stack.db);
    const { nodes } = await stack.ok('GET', `/journeys/${j}/results/messages`);
    expect(nodes).toHaveLength(hand.rows.length);
    for (const h of hand.rows) {
      const row = nodes.find((n: any) => n.nodeId === h.node_id);
      expect(row).toMatchObject({
        channel: 'push',
        variant: h.variant,
        sent: h.sent,
        clicks: h.clicks,
        clickedMembers: h.clicked,
        converted: h.converted,
        failed: 0,
        // the sandbox reports no delivery: no number is made up
        delivered: null,
        deliverySource: 'none',
      });
    }
    // and against what the test did: 8 sent, 4 counted clicks by 3 members, who converted
    const total = (k: string) => nodes.reduce((s: number, n: any) => s + n[k], 0);
    expect([total('sent'), total('clicks'), total('clickedMembers'), total('converted')]).toEqual([
      8, 4, 3, 3,
    ]);
    // the variant each member was in is the split's own choice
    const steps = await stack.db
      .selectFrom('run_steps')
      .select(['run_id', 'output'])
      .where('journey_id', '=', j)
      .where('node_type', '=', 'split')
      .execute();
    const linkRows = await stack.db
      .selectFrom('links')
      .select(['run_id', 'variant'])
      .where('journey_id', '=', j)
      .execute();
    for (const l of linkRows) expect(l.variant).toBe(steps.find((s) => s.run_id === l.run_id)?.output);

    // filters: a version that does not exist, a day range without sends
    expect((await stack.ok('GET', `/journeys/${j}/results/messages?version=2`)).nodes).toEqual([]);
    expect(
      (await stack.ok('GET', `/journeys/${j}/results/messages?from=2020-01-01&to=2020-01-31`)).nodes,
    ).toEqual([]);
  });

  it('a click continues a wait.event on link_clicked', async () => {
    const j = await publish('tracked-wait', {
      nodes: [
        node('t', 'trigger.event', { event: 'tw_start' }),
        node('m', 'message', { channel: 'push', body: '点此领取 {{link "https://shop.example.com/gift"}}' }),
        node('w', 'wait.event', {
          event: 'link_clicked',
          where: [{ property: 'nodeId', op: 'eq', value: 'm' }],
          timeout: { amount: 3, unit: 'days' },
        }),
        node('tag', 'tag', { add: ['clicked_gift'] }),
        node('x', 'exit'),
        node('x2', 'exit'),
      ],
      edges: [
        edge('t', 'm'),
        edge('m', 'w'),
        edge('w', 'tag', 'matched'),
        edge('w', 'x2', 'timeout'),
        edge('tag', 'x'),
      ],
    });
    await stack.ok('POST', '/events', { memberId: 'tw1', name: 'tw_start', id: 'tw1-start' });
    await runOf(
      j,
      'tw1',
      (r) => r.status === 'waiting' && r.currentNodeId === 'w',
      'tw1 waiting for the click',
    );
    const res = await click(await linkIn(j, 'tw1'));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example.com/gift');
    const done = await runOf(j, 'tw1', (r) => r.status === 'completed', 'tw1 continued by the click');
    const { steps } = await stack.ok('GET', `/runs/${done.id}`);
    expect(steps.find((s: any) => s.nodeId === 'w')).toMatchObject({ output: 'matched' });
    expect((await stack.ok('GET', '/members/tw1')).member.tags).toContain('clicked_gift');
  });

  it('a retried or racing send keeps one code per link', async () => {
    const execute = createNodeExecutor({
      db: stack.db,
      registry: stack.registry,
      channels: createSandboxChannels(),
    });
    const memberId = await ensureMember(stack.db, stack.workspaceId, 'tr1');
    const j = await stack.ok('POST', '/journeys', { name: 'tracked-retry' });
    const run = await stack.db
      .insertInto('runs')
      .values({
        workspace_id: stack.workspaceId,
        journey_id: j.id,
        version: 1,
        member_id: memberId,
        entry_no: 1,
        workflow_id: `tr-${j.id}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const req: ActionRequest = {
      workspaceId: stack.workspaceId,
      journeyId: j.id,
      runId: run.id,
      memberId,
      nodeId: 'm',
      nodeType: 'message',
      typeVersion: 1,
      config: {
        channel: 'sms',
        body: '{{link "https://a.example.com/1"}} 和 {{link "https://b.example.com/2"}} {{link "https://a.example.com/1"}}',
      },
      visit: 1,
      vars: {},
    };
    await Promise.all([execute(req), execute(req), execute(req)]);
    await execute(req);
    const rows = await stack.db
      .selectFrom('links')
      .select(['code', 'url', 'send_key'])
      .where('run_id', '=', run.id)
      .execute();
    expect(rows.map((r) => r.url).sort()).toEqual(['https://a.example.com/1', 'https://b.example.com/2']);
    const [msg] = await stack.db.selectFrom('messages').select('body').where('run_id', '=', run.id).execute();
    // the same link twice in a message is the same code
    expect(msg.body).toBe(
      `${origin}/l/${rows.find((r) => r.url.includes('a.'))!.code} 和 ${origin}/l/${rows.find((r) => r.url.includes('b.'))!.code} ${origin}/l/${rows.find((r) => r.url.includes('a.'))!.code}`,
    );
    // a loop's second visit is a new send: new codes
    await execute({ ...req, visit: 2 });
    expect(
      await stack.db.selectFrom('links').select('code').where('run_id', '=', run.id).execute(),
    ).toHaveLength(4);

    // a send a guard-rail holds back makes no link, and is counted as skipped, not sent
    await stack.ok('PUT', '/members/tr1', { consent: { sms: false } });
    await execute({
      ...req,
      nodeId: 'm-held',
      guard: { channel: 'sms', quietHours: 'defer', overCap: 'skip', priority: 5 },
    } as ActionRequest);
    expect(
      await stack.db
        .selectFrom('links')
        .select('code')
        .where('run_id', '=', run.id)
        .where('node_id', '=', 'm-held')
        .execute(),
    ).toEqual([]);
    const { nodes } = await stack.ok('GET', `/journeys/${j.id}/results/messages`);
    expect(nodes.find((n: any) => n.nodeId === 'm-held')).toMatchObject({ sent: 0, skipped: 1, clicks: 0 });
    expect(nodes.find((n: any) => n.nodeId === 'm')).toMatchObject({ sent: 2, skipped: 0, failed: 0 });
  });

  it('unknown, malformed and expired codes get the 404 page, never a redirect', async () => {
    const [expired] = await stack.db
      .updateTable('links')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('workspace_id', '=', stack.workspaceId)
      .where('url', '=', 'https://b.example.com/2')
      .returning('code')
      .execute();
    for (const path of [
      '/l/ZZZZZZZZ',
      `/l/${expired.code}`,
      '/l/abc',
      '/l/%00%00%00%00%00%00%00%00',
      "/l/'%20or%201=1--",
      `/l/${'a'.repeat(5000)}`,
      '/l/..%2F..%2Fapi',
      '/l/',
      '/l/a/b',
      '/l/https:%2F%2Fevil.example.com',
    ]) {
      const res = await fetch(`${origin}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('location'), path).toBeNull();
      expect(res.headers.get('content-type'), path).toMatch(/text\/html/);
      expect(await res.text(), path).toContain('链接不存在或已过期');
    }
    // an expired click is not counted either
    const after = await stack.db
      .selectFrom('links')
      .select('clicks')
      .where('code', '=', expired.code)
      .executeTakeFirstOrThrow();
    expect(after.clicks).toBe(0);
  });

  it('refuses bad report filters with the field named', async () => {
    const { id } = await stack.ok('POST', '/journeys', { name: 'tracked-filters' });
    for (const [q, field] of [
      ['from=2026-12-31&to=2026-01-01', 'to'],
      ['from=2020-01-01&to=2026-01-01', 'to'],
      ['from=2026-02-30', 'from'],
      ['to=yesterday', 'to'],
      ['version=0', 'version'],
    ] as const) {
      const res = await stack.call('GET', `/journeys/${id}/results/messages?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error.field, q).toBe(field);
    }
    expect((await stack.call('GET', '/journeys/not-a-uuid/results/messages')).status).toBe(404);
  });
});
