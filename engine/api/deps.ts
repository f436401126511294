import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Logger } from '../infra/logger.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { TemporalDeps } from '../services/runs.service.js';

export interface AppDeps {
  db: Kysely<Database>;
  registry: NodeRegistry;
  temporal: TemporalDeps;
  /** where API lines go; default: the process logger */
  log?: Logger;
}

/** Per request: its workspace, its id, and a logger whose lines carry that id. */
export type AppEnv = { Variables: { workspaceId: string; reqId: string; log: Logger } };
