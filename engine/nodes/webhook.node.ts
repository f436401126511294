import { z } from 'zod';
import { SECRET_NAME, secretNameOf } from '../secrets/secret-refs.js';
import { sendWebhookStep, webhookFields, webhookLooks } from '../webhooks/webhook-step.js';
import { defineNode } from './define-node.js';
import { label } from './schemas.js';

/**
 * POST a signed JSON payload to a URL. The receiver verifies `X-Yutang-Signature` (HMAC-SHA256 over
 * `<X-Yutang-Timestamp>.<body>`), de-duplicates by `Idempotency-Key` (the run's key: the same on every
 * retry) and may answer `{"output": "<id>"}` to choose one of the node's declared outputs.
 * 5xx, 408, 429, timeouts and network errors are retried with back-off; other 4xx fail the step.
 * Private, loopback and link-local addresses are refused unless the workspace allows them.
 *
 * Version 2 (issue 14, M2/L2): the signing key is a **workspace secret** named here (`secret: "crm_signing"`),
 * opened by the worker when it sends — never in the journey, its plan or the run's history. Version 1 took the
 * key itself or `env:NAME`; opened at version 2 a literal key is cleared (the node asks for a workspace secret)
 * and `env:NAME` becomes the workspace secret NAME. Runs on version 1 plans: engine/nodes/webhook-v1.node.ts.
 */
export default defineNode({
  ...webhookLooks,
  version: 2,
  migrate: {
    1: ({ secret, ...rest }) => ({ ...rest, secret: secretNameOf(secret, true) ?? '' }),
  },
  config: z.object({
    url: webhookFields.url,
    secret: z
      .string()
      .trim()
      .superRefine((name, ctx) => {
        if (!name) ctx.addIssue({ code: 'custom', message: 'choose a workspace secret to sign with' });
        else if (!SECRET_NAME.test(name))
          ctx.addIssue({
            code: 'custom',
            message: 'the name of a workspace secret (letters, digits, _ and -), not the key itself',
          });
      })
      .meta({
        ...label('签名密钥（工作区密钥）', 'Signing secret (workspace secret)'),
        'x-widget': 'secret',
      }),
    timeoutMs: webhookFields.timeoutMs,
    payload: webhookFields.payload,
    outputs: webhookFields.outputs,
  }),
  defaults: { url: '', secret: '', timeoutMs: 5_000, payload: {}, outputs: [] },
  async run(ctx, config) {
    return sendWebhookStep(ctx, config, () => ctx.secret(config.secret));
  },
});
