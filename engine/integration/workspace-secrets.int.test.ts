import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webhook from '../nodes/webhook.node.js';
import { runJourneyWithNode, runNode } from '../sdk/testing.js';
import { fixtureKey, fixtureSession, keyHeaders } from '../testing/credentials.js';
import { edge, node } from '../testing/documents.js';
import { type Stack, startStack } from '../testing/stack.js';
import { verifyWebhookSignature } from '../webhooks/verify.js';

const SIGNING = 'crm-signing-key-0123456789abcdef';

/** Everything a Temporal history says, its payloads decoded (they are base64 JSON in the history's JSON). */
function historyText(json: string): string {
  const decoded: string[] = [];
  JSON.parse(json, (key, value) => {
    if (key === 'data' && typeof value === 'string')
      decoded.push(Buffer.from(value, 'base64').toString('utf8'));
    return value;
  });
  return `${json}\n${decoded.join('\n')}`;
}

/**
 * Issue 14, M2 + L2: webhook nodes sign with a workspace secret named in the node. Before, `secret: "env:NAME"`
 * let a journey editor sign bodies of their choosing with any server environment variable (and "not set" said
 * which exist), and a literal key was returned to viewers and copied into plans and Temporal histories.
 */
describe('workspace secrets', () => {
  let stack: Stack;
  let server: Server;
  let base: string;
  const received: { path: string; body: string; verifies: (secret: string) => boolean }[] = [];
  process.env.M2_PROBE_SET = 'server-env-value-that-must-never-sign';
  delete process.env.M2_PROBE_UNSET;

  beforeAll(async () => {
    // the receiver is on loopback: the workspace allows private addresses
    stack = await startStack({ allowPrivateAddresses: true });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const headers = req.headers;
        received.push({
          path: String(req.url),
          body,
          verifies: (secret) =>
            verifyWebhookSignature({
              secret,
              body,
              timestamp: headers['x-yutang-timestamp'],
              signature: headers['x-yutang-signature'],
            }),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    delete process.env.M2_PROBE_SET;
    await new Promise<void>((r) => server?.close(() => r()));
    await stack?.stop();
  });

  it('an admin stores a secret; no answer, audit entry or stored row shows the value', async () => {
    const created = await stack.ok('PUT', '/secrets/crm_signing', { value: SIGNING });
    expect(created).toMatchObject({
      created: true,
      secret: { name: 'crm_signing', createdBy: expect.any(String) },
    });
    const replaced = await stack.ok('PUT', '/secrets/crm_signing', { value: `${SIGNING}-v2` });
    expect(replaced.created).toBe(false);
    await stack.ok('PUT', '/secrets/crm_signing', { value: SIGNING });
    const list = await stack.ok('GET', '/secrets');
    expect(list.secrets).toEqual([
      expect.objectContaining({ name: 'crm_signing', updatedAt: expect.any(String) }),
    ]);
    const row = await stack.db
      .selectFrom('workspace_secrets')
      .selectAll()
      .where('workspace_id', '=', stack.workspaceId)
      .executeTakeFirstOrThrow();
    expect(row.sealed).toMatch(/^v2\./);
    const audit = await stack.db
      .selectFrom('audit_log')
      .selectAll()
      .where('workspace_id', '=', stack.workspaceId)
      .where('action', '=', 'secret.put')
      .execute();
    expect(audit).toHaveLength(3);
    expect(audit[0]).toMatchObject({ target_type: 'secret', target_id: 'crm_signing', outcome: 'ok' });
    for (const text of [JSON.stringify(created), JSON.stringify(list), row.sealed, JSON.stringify(audit)])
      expect(text).not.toContain('crm-signing-key');
  });

  it('names and values are checked (400 naming the field); only admins change secrets', async () => {
    const badName = await stack.call('PUT', '/secrets/has%20space', { value: SIGNING });
    expect(badName.status).toBe(400);
    expect(badName.body.error.field).toBe('name');
    const short = await stack.call('PUT', '/secrets/short_one', { value: 'too short' });
    expect(short.status).toBe(400);
    expect(short.body.error.field).toBe('value');
    expect((await stack.call('DELETE', '/secrets/nope_none')).status).toBe(404);

    const viewer = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    const marketer = await fixtureSession(stack.db, stack.workspaceId, 'marketer');
    const as = (headers: Record<string, string>, method: string, body?: unknown) =>
      stack.app.request('/api/secrets/crm_signing', {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await stack.app.request('/api/secrets', { headers: viewer.headers })).status).toBe(200);
    expect((await as(viewer.headers, 'PUT', { value: SIGNING })).status).toBe(403);
    expect((await as(marketer.headers, 'PUT', { value: SIGNING })).status).toBe(403);
    expect((await as(marketer.headers, 'DELETE')).status).toBe(403);
    const writeKey = await fixtureKey(stack.db, stack.workspaceId, ['write']);
    expect((await as(keyHeaders(writeKey), 'PUT', { value: SIGNING })).status).toBe(403);
  });

  it('M2: env:NAME in a new node is not a secret name; a version-1 env: node names a workspace secret, never the environment', async () => {
    // today's node: the field holds a name, and "env:…" is none
    const journey = await stack.ok('POST', '/journeys', { name: 'M2 env probe' });
    const doc = (data: Record<string, unknown>, version?: number) => ({
      nodes: [
        node('t', 'trigger.event', { event: 'm2_probe' }),
        { ...node('w', 'webhook', { url: `${base}/m2`, ...data }, 100), ...(version ? { version } : {}) },
        node('x', 'exit', {}, 200),
      ],
      edges: [edge('t', 'w'), edge('w', 'x')],
    });
    const v2 = await stack.ok('POST', `/journeys/${journey.id}/validate`, {
      document: doc({ secret: 'env:M2_PROBE_SET' }),
    });
    expect(v2.errors).toContainEqual(
      expect.objectContaining({
        nodeId: 'w',
        field: 'secret',
        message: expect.stringMatching(/not the key itself/),
      }),
    );

    // a journey saved by an old client with version 1 and env:NAME: publishing needs a workspace secret NAME,
    // and says the same whether or not the server has such a variable
    const refusals: string[] = [];
    for (const name of ['M2_PROBE_SET', 'M2_PROBE_UNSET']) {
      await stack.ok('PUT', `/journeys/${journey.id}`, { document: doc({ secret: `env:${name}` }, 1) });
      const res = await stack.call('POST', `/journeys/${journey.id}/publish`, {});
      expect(res.status).toBe(422);
      refusals.push(JSON.stringify(res.body).replaceAll(name, 'NAME'));
    }
    expect(refusals[0]).toBe(refusals[1]);
    expect(refusals[0]).toMatch(/no secret named NAME/);

    // a run already on a version-1 plan with env:NAME: the step fails without a workspace secret of that name
    // (same words either way), and signs with the workspace secret once there is one — never with the variable
    const failures: string[] = [];
    for (const name of ['M2_PROBE_SET', 'M2_PROBE_UNSET']) {
      const err = await runNode(webhook, { url: `${base}/m2-v1`, secret: `env:${name}` } as never, {
        db: stack.db,
        workspaceId: stack.workspaceId,
        registry: stack.registry,
        typeVersion: 1,
      }).catch((e) => e);
      expect(err).toMatchObject({ name: 'NodeFailure', code: 'secret_missing' });
      failures.push(err.message.replaceAll(name, 'NAME'));
    }
    expect(failures[0]).toBe(failures[1]);
    expect(received.filter((r) => r.path === '/m2-v1')).toEqual([]);

    await stack.ok('PUT', '/secrets/M2_PROBE_SET', { value: 'workspace-value-for-m2-probe' });
    const sent = await runNode(webhook, { url: `${base}/m2-v1`, secret: 'env:M2_PROBE_SET' } as never, {
      db: stack.db,
      workspaceId: stack.workspaceId,
      registry: stack.registry,
      typeVersion: 1,
    });
    expect(sent.output).toBe('next');
    const got = received.filter((r) => r.path === '/m2-v1');
    expect(got).toHaveLength(1);
    expect(got[0].verifies('workspace-value-for-m2-probe')).toBe(true);
    expect(got[0].verifies('server-env-value-that-must-never-sign')).toBe(false);
  });

  it('L2: the value is in no answer to a viewer, not in the plan, and not in the run’s Temporal history', async () => {
    const [run] = await runJourneyWithNode(
      stack,
      'webhook',
      { url: `${base}/l2`, secret: 'crm_signing', payload: { name: '{{member.name}}' } },
      { members: ['l2-member'] },
    );
    expect(run).toMatchObject({ status: 'completed', step: { output: 'next' } });
    const delivery = received.find((r) => r.path === '/l2');
    expect(delivery?.verifies(SIGNING)).toBe(true);

    const row = await stack.db
      .selectFrom('runs as r')
      .innerJoin('members as m', 'm.id', 'r.member_id')
      .select(['r.id', 'r.journey_id', 'r.workflow_id'])
      .where('m.external_id', '=', 'l2-member')
      .where('r.workspace_id', '=', stack.workspaceId)
      .executeTakeFirstOrThrow();
    const viewer = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    const read = async (path: string) => {
      const res = await stack.app.request(`/api${path}`, { headers: viewer.headers });
      expect(res.status, path).toBe(200);
      return res.text();
    };
    const answers = [
      await read(`/journeys/${row.journey_id}`),
      await read(`/journeys/${row.journey_id}/versions/1`),
      await read(`/runs/${row.id}`),
    ];
    const history = historyText(
      historyToJSON(await stack.client.workflow.getHandle(row.workflow_id).fetchHistory()),
    );
    // the name is there (the check can see what the history holds), the value is not
    expect(history).toContain('crm_signing');
    expect(answers[1]).toContain('crm_signing');
    for (const text of [...answers, history]) expect(text).not.toContain('crm-signing-key');
  });

  it('a key written into a version-1 node is hidden when its version is shown; its runs still sign with it', async () => {
    const literal = 'legacy-literal-webhook-key-0001';
    const journey = await stack.ok('POST', '/journeys', { name: 'L2 legacy' });
    const v1Node = { ...node('w', 'webhook', { url: `${base}/legacy`, secret: literal }, 100), version: 1 };
    const document = {
      nodes: [node('t', 'trigger.event', { event: 'l2_legacy' }), v1Node, node('x', 'exit', {}, 200)],
      edges: [edge('t', 'w'), edge('w', 'x')],
    };
    // what a version published before version 2 holds (the publish route compiles at version 2 today)
    await stack.db
      .insertInto('journey_versions')
      .values({
        journey_id: journey.id,
        version: 1,
        workspace_id: stack.workspaceId,
        document: JSON.stringify(document),
        plan: JSON.stringify({
          nodes: {
            w: {
              id: 'w',
              type: 'webhook',
              typeVersion: 1,
              config: { url: `${base}/legacy`, secret: literal, timeoutMs: 5000, payload: {}, outputs: [] },
            },
          },
        }),
        trigger_kind: 'event',
        trigger_event: 'l2_legacy',
      })
      .execute();
    const viewer = await fixtureSession(stack.db, stack.workspaceId, 'viewer');
    const shown = await stack.app.request(`/api/journeys/${journey.id}/versions/1`, {
      headers: viewer.headers,
    });
    const text = await shown.text();
    expect(text).not.toContain(literal);
    expect(JSON.parse(text).plan.nodes.w.config.secret).toBe('[hidden]');
    // the draft opens at version 2: the key is gone and the node asks for a workspace secret
    await stack.db
      .updateTable('journeys')
      .set({ draft: JSON.stringify(document) })
      .where('id', '=', journey.id)
      .execute();
    const draft = await stack.app.request(`/api/journeys/${journey.id}`, { headers: viewer.headers });
    const opened = await draft.text();
    expect(opened).not.toContain(literal);
    expect(JSON.parse(opened).document.nodes[1]).toMatchObject({ version: 2, data: { secret: '' } });

    const sent = await runNode(webhook, { url: `${base}/legacy`, secret: literal } as never, {
      db: stack.db,
      workspaceId: stack.workspaceId,
      registry: stack.registry,
      typeVersion: 1,
    });
    expect(sent.output).toBe('next');
    expect(received.find((r) => r.path === '/legacy')?.verifies(literal)).toBe(true);
  });

  it('deleting a secret a published journey uses is refused naming it; archived, it goes', async () => {
    const list = await stack.ok('GET', '/journeys');
    const users = list.journeys.filter((j: { name: string }) => j.name.startsWith('test webhook'));
    const res = await stack.call('DELETE', '/secrets/crm_signing');
    expect(res.status).toBe(409);
    expect(res.body.error.journeys).toEqual(
      users.map((j: { id: string; name: string }) => ({ id: j.id, name: j.name })),
    );
    for (const j of users) await stack.ok('POST', `/journeys/${j.id}/archive`, {});
    await stack.ok('DELETE', '/secrets/crm_signing');

    // a version-1 node's env:NAME names the workspace secret NAME: it holds the secret too
    const old = await stack.ok('POST', '/journeys', { name: 'v1 env user' });
    await stack.db
      .insertInto('journey_versions')
      .values({
        journey_id: old.id,
        version: 1,
        workspace_id: stack.workspaceId,
        document: JSON.stringify({ nodes: [], edges: [] }),
        plan: JSON.stringify({
          nodes: {
            w: {
              id: 'w',
              type: 'webhook',
              typeVersion: 1,
              config: { url: base, secret: 'env:M2_PROBE_SET' },
            },
          },
        }),
      })
      .execute();
    await stack.db
      .updateTable('journeys')
      .set({ current_version: 1, status: 'active' })
      .where('id', '=', old.id)
      .execute();
    const held = await stack.call('DELETE', '/secrets/M2_PROBE_SET');
    expect(held.status).toBe(409);
    expect(held.body.error.journeys).toEqual([{ id: old.id, name: 'v1 env user' }]);
    expect((await stack.ok('GET', '/secrets')).secrets.map((s: { name: string }) => s.name)).not.toContain(
      'crm_signing',
    );
  });
});
