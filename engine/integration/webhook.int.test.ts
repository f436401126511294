import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webhook from '../nodes/webhook.node.js';
import { runJourneyWithNode, runNode } from '../sdk/testing.js';
import { type Stack, startStack } from '../testing/stack.js';
import { verifyWebhookSignature } from '../webhooks/verify.js';

const SECRET = 'whsec-integration-0123456789';

/**
 * The webhook node on the real workflow, against a receiver the test runs: it verifies every signature,
 * answers 503 to the first two calls of each idempotency key on /flaky, and 400 on /reject.
 */
describe('webhook node', () => {
  let stack: Stack;
  let server: Server;
  let base: string;
  const calls: { path: string; key: string; verified: boolean; member: string; status: number }[] = [];

  beforeAll(async () => {
    stack = await startStack();
    // the node names a workspace secret; its value is what receivers verify with
    await stack.ok('PUT', '/secrets/wh_signing', { value: SECRET });
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const key = String(req.headers['idempotency-key']);
        const verified = verifyWebhookSignature({
          secret: SECRET,
          body: raw,
          timestamp: req.headers['x-yutang-timestamp'],
          signature: req.headers['x-yutang-signature'],
        });
        const body = JSON.parse(raw || '{}');
        const member = String(body.member?.id);
        const seen = calls.filter((c) => c.key === key).length;
        let status = 200;
        let answer = '{}';
        if (!verified) [status, answer] = [401, 'bad signature'];
        else if (req.url === '/flaky' && seen < 2) [status, answer] = [503, 'try later'];
        else if (req.url === '/reject') [status, answer] = [400, '{"error":"member unknown to the CRM"}'];
        else if (req.url === '/flaky')
          answer = JSON.stringify({ output: member === 'wh-vip' ? 'vip' : 'nobody' });
        calls.push({ path: String(req.url), key, verified, member, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end(answer);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    await stack?.stop();
  });

  it('refuses the loopback receiver while the workspace does not allow private addresses', async () => {
    for (const url of [`${base}/flaky`, base.replace('127.0.0.1', 'localhost')]) {
      await expect(
        runNode(
          webhook,
          { url, secret: 'wh_signing' },
          { db: stack.db, workspaceId: stack.workspaceId, member: 'wh-x' },
        ),
      ).rejects.toMatchObject({ name: 'NodeFailure', code: 'webhook_address_refused' });
    }
    expect(calls).toHaveLength(0);
  });

  it('delivers signed, retries 5xx with back-off, and lets the response choose a declared output', async () => {
    const { settings } = await stack.ok('GET', '/settings');
    // the old name of allowPrivateAddresses still works
    await stack.ok('PUT', '/settings', {
      ...settings,
      allowPrivateAddresses: undefined,
      allowPrivateWebhooks: true,
    });
    expect((await stack.ok('GET', '/settings')).settings.allowPrivateAddresses).toBe(true);

    const runs = await runJourneyWithNode(
      stack,
      'webhook',
      {
        url: `${base}/flaky`,
        secret: 'wh_signing',
        timeoutMs: 2000,
        payload: { greeting: '你好 {{member.name}}' },
        outputs: [{ id: 'vip', label: 'VIP' }],
      },
      { members: ['wh-plain', 'wh-vip'] },
    );
    expect(runs).toMatchObject([
      {
        member: 'wh-plain',
        status: 'completed',
        step: { output: 'next', detail: { status: 200, chosen: 'nobody' } },
      },
      {
        member: 'wh-vip',
        status: 'completed',
        step: { output: 'vip', detail: { status: 200, chosen: 'vip' } },
      },
    ]);
    // per member: two 503s, then one delivery — all with the same key, every one signed correctly
    for (const member of ['wh-plain', 'wh-vip']) {
      const mine = calls.filter((c) => c.member === member);
      expect(mine.map((c) => c.status)).toEqual([503, 503, 200]);
      expect(new Set(mine.map((c) => c.key)).size).toBe(1);
      expect(mine.every((c) => c.verified)).toBe(true);
    }
  });

  it('fails the step on a 4xx at once, with the status and the body in the message', async () => {
    const before = calls.length;
    const [run] = await runJourneyWithNode(
      stack,
      'webhook',
      { url: `${base}/reject`, secret: 'wh_signing' },
      { members: ['wh-rejected'] },
    );
    expect(run).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/HTTP 400 .*member unknown to the CRM/),
    });
    expect(calls.slice(before).map((c) => c.status)).toEqual([400]);
  });

  it('a retried step after a delivery does not send again', async () => {
    const out = await runNode(
      webhook,
      { url: `${base}/reject-never`, secret: 'wh_signing' },
      { db: stack.db, workspaceId: stack.workspaceId, member: 'wh-once' },
    );
    expect(out.output).toBe('next');
    const sent = calls.length;
    expect(await out.again()).toMatchObject({ output: 'next', detail: { status: 200 } });
    expect(calls.length).toBe(sent);
  });
});
