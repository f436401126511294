import { z } from 'zod';
import { renderTemplate } from '../render/template.js';
import { loadWorkspaceSettings } from '../settings/workspace-settings.js';
import { deliverWebhook } from '../webhooks/deliver.js';
import { defineNode } from './define-node.js';
import { NodeFailure } from './node-failure.js';
import { label, outputId } from './schemas.js';

/** `env:NAME`: the secret is the worker's environment variable NAME, so it never sits in the journey document. */
const ENV_SECRET = /^env:([A-Z_][A-Z0-9_]{0,99})$/;

/**
 * POST a signed JSON payload to a URL. The receiver verifies `X-Yutang-Signature` (HMAC-SHA256 over
 * `<X-Yutang-Timestamp>.<body>`), de-duplicates by `Idempotency-Key` (the run's key: the same on every
 * retry) and may answer `{"output": "<id>"}` to choose one of the node's declared outputs.
 * 5xx, 408, 429, timeouts and network errors are retried with back-off; other 4xx fail the step.
 * Private, loopback and link-local addresses are refused unless the workspace allows them.
 */
export default defineNode({
  type: 'webhook',
  version: 1,
  category: 'action',
  order: 60,
  title: { zh: 'Webhook', en: 'Webhook' },
  description: {
    zh: '向外部系统 POST 一个签名的 JSON（HMAC-SHA256），失败自动重试；响应可选择出口',
    en: 'POST a signed JSON payload (HMAC-SHA256) to another system, retried on failure; the response may choose an output',
  },
  icon: 'ApiOutlined',
  color: '#0891b2',
  config: z.object({
    url: z
      .string()
      .trim()
      .max(2000)
      .url('a full URL, e.g. https://example.com/hooks/yutang')
      .refine((u) => /^https?:\/\//i.test(u), 'http or https only')
      .meta(label('URL', 'URL')),
    secret: z
      .string()
      .min(16, 'at least 16 characters, or env:NAME for a worker environment variable')
      .max(200)
      .refine((s) => !s.startsWith('env:') || ENV_SECRET.test(s), 'env:NAME, NAME in capitals')
      .meta(label('签名密钥（或 env:变量名）', 'Signing secret (or env:NAME)')),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      // the step's activity has 10 s (startToCloseTimeout) for everything, redirects included
      .max(8_000)
      .default(5_000)
      .meta(label('超时（毫秒）', 'Timeout (ms)')),
    payload: z
      .record(z.string().trim().min(1).max(64), z.string().max(2000))
      .default({})
      .meta({
        ...label('数据（可用 {{member.name}} 等变量）', 'Data (templates like {{member.name}})'),
        'x-widget': 'keyValue',
      }),
    outputs: z
      .array(z.object({ id: outputId, label: z.string().trim().min(1).max(40).meta(label('名称', 'Label')) }))
      .max(10)
      .default([])
      .meta(label('响应可选的出口', 'Outputs the response may choose')),
  }),
  defaults: { url: '', secret: '', timeoutMs: 5_000, payload: {}, outputs: [] },
  outputs: {
    from: 'outputs',
    id: 'id',
    label: 'label',
    extra: [{ id: 'next', label: { zh: '已送达', en: 'Delivered' } }],
  },
  summary: { zh: 'POST {{url}}', en: 'POST {{url}}' },
  // the simulator calls nobody: it assumes a delivery whose answer chose no output
  simulate: () => ({ output: 'next' }),
  check(config) {
    const seen = new Set<string>(['next']);
    return config.outputs.flatMap((o, i) => {
      const dup = seen.has(o.id);
      seen.add(o.id);
      return dup
        ? [{ field: `outputs.${i}.id`, message: `output ${o.id} is declared twice (next is built in)` }]
        : [];
    });
  },
  async run(ctx, config) {
    // A delivery that succeeded is not sent again by a retry of this step (a worker that died after it).
    const prior = await ctx.db
      .selectFrom('node_effects')
      .select('result')
      .where('idempotency_key', '=', ctx.idempotencyKey)
      .executeTakeFirst();
    if (prior) return resultOf(prior.result as Delivered, config.outputs);

    const envName = ENV_SECRET.exec(config.secret)?.[1];
    const secret = envName ? process.env[envName] : config.secret;
    if (!secret)
      throw new NodeFailure('webhook_secret_missing', `environment variable ${envName} is not set`);
    const scope = { member: ctx.member, ...ctx.vars };
    const body = JSON.stringify({
      idempotencyKey: ctx.idempotencyKey,
      journeyId: ctx.journeyId,
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      member: {
        id: ctx.member.externalId,
        name: ctx.member.name,
        tags: ctx.member.tags,
        attributes: ctx.member.attributes,
      },
      data: Object.fromEntries(Object.entries(config.payload).map(([k, v]) => [k, renderTemplate(v, scope)])),
      sentAt: ctx.now().toISOString(),
    });
    const settings = await loadWorkspaceSettings(ctx.db, ctx.workspaceId);
    const outcome = await deliverWebhook({
      url: config.url,
      secret,
      body,
      idempotencyKey: ctx.idempotencyKey,
      timeoutMs: config.timeoutMs,
      allowPrivate: settings.allowPrivateWebhooks,
    });
    if (outcome.kind === 'rejected') throw new NodeFailure(outcome.code, outcome.message);
    if (outcome.kind === 'retry') {
      ctx.log.warn({ reason: outcome.message }, 'webhook not delivered; retrying');
      throw new Error(outcome.message);
    }
    const chosen = (outcome.json as { output?: unknown } | null)?.output;
    const delivered: Delivered = {
      status: outcome.status,
      // where it landed, without a query string that may carry a token
      url: outcome.url.split(/[?#]/)[0],
      redirects: outcome.redirects,
      chosen: typeof chosen === 'string' ? chosen.slice(0, 40) : null,
    };
    const stored = await ctx.once(async () => delivered);
    return resultOf(stored, config.outputs);
  },
});

interface Delivered {
  [key: string]: unknown;
  status: number;
  url: string;
  redirects: number;
  /** the output the response asked for, declared or not */
  chosen: string | null;
}

function resultOf(d: Delivered, outputs: { id: string }[]) {
  const output = d.chosen && outputs.some((o) => o.id === d.chosen) ? d.chosen : 'next';
  return { output, detail: { status: d.status, url: d.url, redirects: d.redirects, chosen: d.chosen } };
}
