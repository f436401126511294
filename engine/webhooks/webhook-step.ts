import { z } from 'zod';
import type { NodeRunContext } from '../nodes/define-node.js';
import { NodeFailure } from '../nodes/node-failure.js';
import { label, outputId } from '../nodes/schemas.js';
import { renderTemplate } from '../render/template.js';
import { allowsPrivateAddresses } from '../settings/private-addresses.js';
import { deliverWebhook } from './deliver.js';

/**
 * What every version of the webhook node shares: its fields besides the secret, how it looks and what its step
 * does. The versions differ in where the signing secret comes from (engine/nodes/webhook.node.ts).
 */
export const webhookFields = {
  url: z
    .string()
    .trim()
    .max(2000)
    .url('a full URL, e.g. https://example.com/hooks/yutang')
    .refine((u) => /^https?:\/\//i.test(u), 'http or https only')
    .meta(label('URL', 'URL')),
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
};

export const webhookLooks = {
  type: 'webhook',
  category: 'action' as const,
  order: 60,
  title: { zh: 'Webhook', en: 'Webhook' },
  description: {
    zh: '向外部系统 POST 一个签名的 JSON（HMAC-SHA256），失败自动重试；响应可选择出口',
    en: 'POST a signed JSON payload (HMAC-SHA256) to another system, retried on failure; the response may choose an output',
  },
  icon: 'ApiOutlined',
  color: '#0891b2',
  outputs: {
    from: 'outputs',
    id: 'id',
    label: 'label',
    extra: [{ id: 'next', label: { zh: '已送达', en: 'Delivered' } }],
  },
  summary: { zh: 'POST {{url}}', en: 'POST {{url}}' },
  // the simulator calls nobody: it assumes a delivery whose answer chose no output
  simulate: () => ({ output: 'next' }),
  check(config: { outputs: { id: string }[] }) {
    const seen = new Set<string>(['next']);
    return config.outputs.flatMap((o, i) => {
      const dup = seen.has(o.id);
      seen.add(o.id);
      return dup
        ? [{ field: `outputs.${i}.id`, message: `output ${o.id} is declared twice (next is built in)` }]
        : [];
    });
  },
};

interface StepConfig {
  url: string;
  timeoutMs: number;
  payload: Record<string, string>;
  outputs: { id: string }[];
}

/**
 * The step: POST the signed payload once per idempotency key. `secret` is asked for only when something is sent
 * (a step that was delivered before needs none); its value lives in this activity and nowhere else — not in the
 * plan, the step's result or the run's history.
 */
export async function sendWebhookStep(
  ctx: NodeRunContext,
  config: StepConfig,
  secret: () => Promise<string>,
) {
  // A delivery that succeeded is not sent again by a retry of this step (a worker that died after it).
  const prior = await ctx.db
    .selectFrom('node_effects')
    .select('result')
    .where('idempotency_key', '=', ctx.idempotencyKey)
    .executeTakeFirst();
  if (prior) return resultOf(prior.result as Delivered, config.outputs);

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
  const outcome = await deliverWebhook({
    url: config.url,
    secret: await secret(),
    body,
    idempotencyKey: ctx.idempotencyKey,
    timeoutMs: config.timeoutMs,
    allowPrivate: await allowsPrivateAddresses(ctx.db, ctx.workspaceId),
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
}

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
