import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { TemporalDeps } from '../services/runs.service.js';

export interface AppDeps {
  db: Kysely<Database>;
  registry: NodeRegistry;
  temporal: TemporalDeps;
}

export type AppEnv = { Variables: { workspaceId: string } };
