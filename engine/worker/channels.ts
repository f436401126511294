import { createHash } from 'node:crypto';
import type { ChannelSender } from '../nodes/define-node.js';

/**
 * The built-in channel sender: records delivery without calling a provider (this build ships no SMS/WeChat
 * credentials). The provider message id is derived from the idempotency key, as a real provider's
 * de-duplication would make it: the same key always yields the same id.
 */
export function createSandboxChannels(opts: { delayMs?: number } = {}): ChannelSender {
  // A provider's latency can be simulated (YUTANG_SANDBOX_SEND_DELAY_MS) for load and crash tests.
  const delayMs = opts.delayMs ?? Number(process.env.YUTANG_SANDBOX_SEND_DELAY_MS ?? 0);
  return {
    deduplicatesByKey: true,
    async send(message) {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const id = createHash('sha256').update(message.idempotencyKey).digest('hex').slice(0, 24);
      return { providerMessageId: `sandbox-${message.channel}-${id}` };
    },
  };
}
