import { z } from 'zod';
import { secretNameOf } from '../secrets/secret-refs.js';
import { sendWebhookStep, webhookFields, webhookLooks } from '../webhooks/webhook-step.js';
import { defineNode } from './define-node.js';
import { NodeFailure } from './node-failure.js';
import { label } from './schemas.js';

/**
 * The webhook node as version 1 wrote it, kept for runs whose plan was compiled with it (a run keeps its
 * version). Journeys opened, validated or published today are at version 2 (webhook.node.ts), so no new plan
 * uses this. Its `secret` was the key itself or `env:NAME`:
 * - the key itself: those runs keep signing with it (it is in their plan and history already; nothing new leaks);
 * - `env:NAME`: the **workspace secret** NAME — the worker's environment is no longer read (issue 14, M2: a journey
 *   editor could sign chosen bodies with any server variable). A missing secret fails the step; an admin adds it
 *   and ops retry.
 */
export default defineNode({
  ...webhookLooks,
  version: 1,
  config: z.object({
    url: webhookFields.url,
    secret: z
      .string()
      .min(16)
      .max(200)
      .meta({
        ...label('签名密钥', 'Signing secret'),
        // `env:NAME` names a workspace secret (publishing and deleting secrets see it); a key itself names nothing
        'x-widget': 'secret',
        'x-secret-legacy': true,
      }),
    timeoutMs: webhookFields.timeoutMs,
    payload: webhookFields.payload,
    outputs: webhookFields.outputs,
  }),
  defaults: { url: '', secret: '', timeoutMs: 5_000, payload: {}, outputs: [] },
  async run(ctx, config) {
    return sendWebhookStep(ctx, config, async () => {
      if (!config.secret.startsWith('env:')) return config.secret;
      const name = secretNameOf(config.secret, true);
      if (!name) throw new NodeFailure('webhook_secret_missing', 'this node names no workspace secret');
      return ctx.secret(name);
    });
  },
});
