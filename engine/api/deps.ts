import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { AuditRecord } from '../auth/audit.js';
import type { AuthConfig } from '../auth/auth-config.js';
import type { Principal } from '../auth/principal.js';
import type { Logger } from '../infra/logger.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { TemporalDeps } from '../services/runs.service.js';

export interface AppDeps {
  db: Kysely<Database>;
  registry: NodeRegistry;
  temporal: TemporalDeps;
  /** where API lines go; default: the process logger */
  log?: Logger;
  /** sessions, cookies and limits; default: from the environment (engine/auth/auth-config.ts) */
  auth?: AuthConfig;
}

/**
 * Per request: its workspace (from the session or the API key, never from a header), who is asking,
 * the audit record of a route that changes something, its id, and a logger whose lines carry that id.
 */
export type AppEnv = {
  Variables: {
    workspaceId: string;
    principal: Principal;
    audit: AuditRecord;
    /** the AppError code of a failed request, for its audit record */
    errorCode: string;
    reqId: string;
    log: Logger;
  };
};
