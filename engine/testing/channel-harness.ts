import { ApplicationFailure } from '@temporalio/common';
import type { ActionRequest } from '../../workflows/activities.js';
import type { ChannelSender } from '../nodes/define-node.js';
import { createSandboxChannels } from '../worker/channels.js';
import { createNodeExecutor } from '../worker/execute-node.js';
import { type Stack, startStack } from './stack.js';

/**
 * What a channel's test needs: the real stack (Postgres, the API), a journey and a run per member, and the
 * message node run the way the worker runs it (guard stage included). Sandbox sends are counted, so a test
 * can tell "the provider sent it" from "the sandbox did". The providers are local fakes on 127.0.0.1, so the
 * workspace allows private addresses unless a test says otherwise (the outbound policy's own tests do).
 */
export async function channelHarness(opts: { allowPrivateAddresses?: boolean } = {}) {
  const stack: Stack = await startStack({
    worker: false,
    allowPrivateAddresses: opts.allowPrivateAddresses ?? true,
  });
  const sandbox = createSandboxChannels();
  const sandboxSends: Parameters<ChannelSender['send']>[0][] = [];
  const execute = createNodeExecutor({
    db: stack.db,
    registry: stack.registry,
    channels: {
      deduplicatesByKey: true,
      send: (m) => {
        sandboxSends.push(m);
        return sandbox.send(m);
      },
    },
    guard: { settleMs: 0 },
  });
  const journey = await stack.ok('POST', '/journeys', { name: 'channel test' });
  const runs = new Map<string, { runId: string; memberId: string }>();

  /** A member (created or updated through the API) with a run of its own in the test journey. */
  async function member(externalId: string, patch: Record<string, unknown>) {
    await stack.ok('PUT', `/members/${externalId}`, patch);
    let run = runs.get(externalId);
    if (!run) {
      run = await stack.insertRunRow(journey.id, externalId);
      runs.set(externalId, run);
    }
    return run;
  }

  /** The message node, as the worker runs it for this member (`visit` makes a new idempotency key). */
  function send(externalId: string, nodeId: string, config: Record<string, unknown>, visit = 1) {
    const run = runs.get(externalId);
    if (!run) throw new Error(`call member(${externalId}) first`);
    const channel = String(config.channel);
    const req: ActionRequest = {
      workspaceId: stack.workspaceId,
      journeyId: journey.id,
      runId: run.runId,
      memberId: run.memberId,
      nodeId,
      nodeType: 'message',
      typeVersion: 1,
      config,
      visit,
      vars: {},
      guard: { channel, quietHours: 'ignore', overCap: 'skip', priority: 5 },
    };
    return execute(req);
  }

  async function message(externalId: string, nodeId: string) {
    const run = runs.get(externalId);
    if (!run) throw new Error(`no run for ${externalId}`);
    return stack.db
      .selectFrom('messages')
      .selectAll()
      .where('run_id', '=', run.runId)
      .where('node_id', '=', nodeId)
      .executeTakeFirstOrThrow();
  }

  return { stack, send, member, message, sandboxSends, journeyId: journey.id as string };
}

/** What a rate-limited send throws: the Temporal failure with the provider's delay (retried later, not failed). */
export function isRateLimited(err: unknown): err is ApplicationFailure {
  return err instanceof ApplicationFailure && err.type === 'ChannelRateLimited' && !err.nonRetryable;
}
