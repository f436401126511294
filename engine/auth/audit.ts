import type { Context } from 'hono';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import type { AuditOutcome } from '../../db/tables/audit.table.js';
import { errorFields } from '../infra/logger.js';
import { actorOf, type Principal } from './principal.js';

type Db = Kysely<Database>;

export interface AuditWrite {
  workspaceId: string | null;
  principal?: Principal;
  /** a system change (first start, YUTANG_ADMIN_EMAIL) */
  system?: string;
  action: string;
  target?: { type: string; id: string } | null;
  outcome: AuditOutcome;
  requestId?: string | null;
  detail?: Record<string, unknown>;
}

/**
 * Draft saves arrive every few seconds while someone edits: one row per person, journey and 10 minutes
 * counts them (`detail.edits`, `detail.lastAt`) instead of one row per keystroke pause.
 */
const COALESCED = new Set(['journey.update']);
const COALESCE_MS = 10 * 60_000;

/** Writes one audit row with `db` — pass the change's transaction to commit both or neither. */
export async function writeAudit(db: Db, entry: AuditWrite): Promise<void> {
  const actor = entry.system
    ? { type: 'system' as const, id: null, name: entry.system }
    : actorOf(entry.principal);
  if (COALESCED.has(entry.action) && entry.outcome === 'ok' && actor.id && entry.target) {
    const merged = await db
      .updateTable('audit_log')
      .set({
        detail: sql`detail || jsonb_build_object('edits', coalesce((detail->>'edits')::int, 1) + 1, 'lastAt', now(), 'lastRequestId', ${entry.requestId ?? null}::text)`,
      })
      .where(
        'id',
        '=',
        (qb) =>
          qb
            .selectFrom('audit_log')
            .select('id')
            .where('workspace_id', '=', entry.workspaceId)
            .where('actor_id', '=', actor.id)
            .where('action', '=', entry.action)
            .where('target_id', '=', entry.target!.id)
            .where('outcome', '=', 'ok')
            .where('at', '>', sql<Date>`now() - make_interval(secs => ${COALESCE_MS / 1000})`)
            .orderBy('id', 'desc')
            .limit(1) as any,
      )
      .executeTakeFirst();
    if (Number(merged.numUpdatedRows) > 0) return;
  }
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: entry.workspaceId,
      actor_type: actor.type,
      actor_id: actor.id,
      actor_name: actor.name,
      action: entry.action,
      target_type: entry.target?.type ?? null,
      target_id: entry.target?.id ?? null,
      outcome: entry.outcome,
      request_id: entry.requestId ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}

/**
 * The audit record of one request to a route that declares an `audit` action. The route may name its
 * target and add detail, and should commit the record inside the transaction of its change
 * (`audit(c).commit(trx)` or {@link audited}); whatever it did not commit is written after the response
 * with the outcome its status says (2xx ok, 403 denied, else failed), so no call to such a route goes
 * unrecorded.
 */
export class AuditRecord {
  private written = false;
  private targetRef: { type: string; id: string } | null;
  private extra: Record<string, unknown> = {};

  constructor(
    private readonly c: Context,
    private readonly db: Db,
    readonly action: string,
    target: { type: string; id: string } | null,
  ) {
    this.targetRef = target;
  }

  target(type: string, id: string): this {
    this.targetRef = { type, id };
    return this;
  }

  detail(more: Record<string, unknown>): this {
    Object.assign(this.extra, more);
    return this;
  }

  private entry(outcome: AuditOutcome, detail: Record<string, unknown> = {}): AuditWrite {
    const principal = this.c.get('principal') as Principal | undefined;
    return {
      workspaceId: (this.c.get('workspaceId') as string | undefined) ?? principal?.workspaceId ?? null,
      principal,
      action: this.action,
      target: this.targetRef,
      outcome,
      requestId: this.c.get('reqId') as string | undefined,
      detail: { ...this.extra, ...detail },
    };
  }

  /** Records success in `trx`, the transaction of the change: both commit, or neither. */
  async commit(trx: Db): Promise<void> {
    await writeAudit(trx, this.entry('ok'));
    this.written = true;
  }

  /** The route's change wrote this record itself (in a service's own transaction). */
  skip(): void {
    this.written = true;
  }

  /** After the response: what was not committed with the change, with the outcome its status says. */
  async finish(status: number, errorCode: string | undefined): Promise<void> {
    if (this.written) return;
    const outcome: AuditOutcome = status < 400 ? 'ok' : status === 403 ? 'denied' : 'failed';
    try {
      await writeAudit(
        this.db,
        this.entry(outcome, outcome === 'ok' ? {} : { status, ...(errorCode ? { error: errorCode } : {}) }),
      );
      this.written = true;
    } catch (err) {
      // The change (if any) stands; the database that refused this row is likely away (the request got its 503).
      (this.c.get('log') as { error: (o: object, m: string) => void } | undefined)?.error(
        { action: this.action, ...errorFields(err) },
        'audit record not written',
      );
    }
  }
}

/** The audit record of the current request (routes with an `audit` action in their `documented` entry). */
export function audit(c: Context): AuditRecord {
  const record = c.get('audit') as AuditRecord | undefined;
  if (!record) throw new Error(`${c.req.method} ${c.req.path} declares no audit action`);
  return record;
}

/**
 * Runs `change` in a transaction that also records the request's audit entry.
 *
 * @example
 * const row = await audited(c, db, (trx) => trx.updateTable('journeys').set(…).executeTakeFirstOrThrow());
 */
export function audited<T>(c: Context, db: Db, change: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const result = await change(trx);
    await audit(c).commit(trx);
    return result;
  });
}
