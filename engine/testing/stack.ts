import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';
import { inject } from 'vitest';
import { createDb } from '../../db/connection.js';
import { createApi } from '../api/app.js';
import { createSdkApi } from '../api/sdk-app.js';
import { type AuthConfig, authConfigFromEnv } from '../auth/auth-config.js';
import type { GuardOptions } from '../guard/guard.js';
import type { NodeDefinition } from '../nodes/define-node.js';
import { loadNodeRegistry, type NodeRegistry } from '../nodes/registry.js';
import { ensureMember } from '../repositories/member.repository.js';
import type { TemporalDeps } from '../services/runs.service.js';
import { runWorkflowId } from '../services/runs.service.js';
import { createJourneyWorker } from '../worker/start-worker.js';
import { fixtureKey, keyHeaders, TEST_SECRET_KEY } from './credentials.js';

/**
 * The real stack for an integration test file: the shared test database and Temporal server (from the global
 * set-up), this file's own workspace and task queue (so files never see each other's journeys), the API as
 * the app mounts it, and optionally an in-process worker.
 */
export async function startStack(
  opts: {
    worker?: boolean;
    guard?: GuardOptions /** node types of the test's own, beside the built-ins */;
    nodes?: NodeDefinition[];
    /** settings of sessions and limits that differ from the environment's (e.g. a higher preview rate) */
    auth?: Partial<AuthConfig>;
    /**
     * The workspace may call private addresses (settings: allowPrivateAddresses): tests whose providers are
     * local fakes on 127.0.0.1 turn it on, as an intranet deployment would; the policy itself is never weakened.
     */
    allowPrivateAddresses?: boolean;
  } = {},
) {
  // Channel credentials and workspace secrets are sealed with this key (app processes tests start inherit it).
  process.env.YUTANG_SECRET_KEY ??= TEST_SECRET_KEY;
  const databaseUrl = inject('databaseUrl');
  const temporalAddress = inject('temporalAddress');
  const db = createDb(databaseUrl);
  const builtIns = await loadNodeRegistry();
  const registry: NodeRegistry = opts.nodes?.length ? builtIns.with(opts.nodes) : builtIns;
  const workspaceId = `ws-${randomUUID().slice(0, 8)}`;
  await db
    .insertInto('workspaces')
    .values({
      id: workspaceId,
      name: workspaceId,
      ...(opts.allowPrivateAddresses ? { settings: JSON.stringify({ allowPrivateAddresses: true }) } : {}),
    })
    .execute();
  // Every call is authenticated like a real system's: an admin-scoped API key of this workspace.
  const key = await fixtureKey(db, workspaceId);
  const headers = keyHeaders(key);
  const taskQueue = `it-${workspaceId}`;
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const temporal: TemporalDeps = { client, taskQueue, namespace: 'default', uiUrl: null };
  const auth = opts.auth ? { ...authConfigFromEnv(), ...opts.auth } : undefined;
  // the API under /api and, at the root, the Segment and Sensors endpoints, as the server mounts them
  const app = new Hono()
    .route('/api', createApi({ db, registry, temporal, auth }))
    .route('/', createSdkApi({ db, registry, temporal, auth }));

  let stopWorker = async () => {};
  if (opts.worker !== false) {
    const w = await createJourneyWorker({
      db,
      registry,
      address: temporalAddress,
      namespace: 'default',
      taskQueue,
      bundlePath: inject('workflowBundlePath'),
      guard: opts.guard,
    });
    const running = w.worker.run();
    stopWorker = async () => {
      w.worker.shutdown();
      await running.catch(() => {});
      await w.close();
    };
  }

  async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await app.request(`/api${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** A runs row with no workflow behind it: what a start in flight (or a failed one) leaves. */
  async function insertRunRow(journeyId: string, externalMemberId: string) {
    const memberId = await ensureMember(db, workspaceId, externalMemberId);
    const workflowId = runWorkflowId(journeyId, memberId, 1);
    const run = await db
      .insertInto('runs')
      .values({
        workspace_id: workspaceId,
        journey_id: journeyId,
        version: 1,
        member_id: memberId,
        entry_no: 1,
        workflow_id: workflowId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { runId: run.id, memberId, workflowId };
  }

  /**
   * With RECORD_HISTORIES=1, write a run's history to workflows/histories/<name>.json for the replay test
   * (workflows/replay.test.ts), which checks every later workflow change against it.
   */
  async function recordHistory(workflowId: string, name: string) {
    if (!process.env.RECORD_HISTORIES) return;
    const { writeFileSync } = await import('node:fs');
    const { historyToJSON } = await import('@temporalio/common/lib/proto-utils.js');
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    writeFileSync(`workflows/histories/${name}.json`, historyToJSON(history));
  }

  return {
    /** the Hono app with the API under /api and the SDK endpoints (/v1/*, /sa), for requests with headers of the test's own */
    app,
    db,
    registry,
    insertRunRow,
    recordHistory,
    workspaceId,
    /** the stack's admin API key, and the headers that send it (for an API of the test's own) */
    key,
    headers,
    taskQueue,
    databaseUrl,
    temporalAddress,
    client,
    call,
    async ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await call<T>(method, path, body);
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    async stop() {
      await stopWorker();
      await connection.close();
      await db.destroy();
    },
    stopWorker: () => stopWorker(),
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** Poll until `check` returns a truthy value (real timers: the journey runs on a real Temporal server). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
