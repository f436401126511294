import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { open, seal } from '../channels/secret-box.js';
import type { Problem } from '../compiler/problem.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { secretRefsOfPlan } from './secret-refs.js';
import {
  deleteSecretRow,
  existingSecretNames,
  findSealedSecret,
  journeysMentioning,
  listSecretRows,
  upsertSecret,
} from './secrets.repository.js';

/**
 * Workspace secrets (issue 14, M2): an admin stores a value under a name; journeys name it (a webhook's signing
 * key); the worker opens it when it sends. The value is sealed bound to workspace and name, and nothing here
 * returns it to an API caller: views carry the name and who/when only.
 */
export interface SecretView {
  name: string;
  createdAt: Date;
  createdBy: string | null;
  updatedAt: Date;
  updatedBy: string | null;
}

export type SecretsErrorCode = 'not_found' | 'in_use';

export class SecretsError extends Error {
  constructor(
    readonly code: SecretsErrorCode,
    message: string,
    /** `in_use`: the published journeys whose current version names the secret */
    readonly journeys: { id: string; name: string }[] = [],
  ) {
    super(message);
    this.name = 'SecretsError';
  }
}

const context = (workspaceId: string, name: string) => `secret:${workspaceId}:${name}`;

export async function listWorkspaceSecrets(db: Kysely<Database>, workspaceId: string): Promise<SecretView[]> {
  return (await listSecretRows(db, workspaceId)).map((r) => ({
    name: r.name,
    createdAt: r.created_at,
    createdBy: r.created_by_name,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by_name,
  }));
}

/** Create or replace a secret; `by` is who (`user:<id>` / `key:<id>`) and the name they go by. */
export async function putWorkspaceSecret(
  db: Kysely<Database>,
  workspaceId: string,
  name: string,
  value: string,
  by: { id: string | null; name: string | null },
): Promise<{ secret: SecretView; created: boolean }> {
  const { created } = await upsertSecret(db, {
    workspaceId,
    name,
    sealed: seal(value, context(workspaceId, name)),
    by: by.id,
    byName: by.name,
  });
  const secret = (await listWorkspaceSecrets(db, workspaceId)).find((s) => s.name === name) as SecretView;
  return { secret, created };
}

/** Published journeys (active or paused) whose current version names the secret in a secret field. */
export async function journeysUsingSecret(
  db: Kysely<Database>,
  registry: NodeRegistry,
  workspaceId: string,
  name: string,
): Promise<{ id: string; name: string }[]> {
  const candidates = await journeysMentioning(db, workspaceId, name);
  return candidates
    .filter((j) => secretRefsOfPlan(j.plan, registry).some((r) => r.name === name))
    .map((j) => ({ id: j.id, name: j.name }));
}

/**
 * Delete a secret, unless the current version of a published journey names it (its next send would fail):
 * refused naming them. Runs on an older version that still name it fail at that step, for ops to see.
 */
export async function deleteWorkspaceSecret(
  db: Kysely<Database>,
  registry: NodeRegistry,
  workspaceId: string,
  name: string,
): Promise<void> {
  const journeys = await journeysUsingSecret(db, registry, workspaceId, name);
  if (journeys.length)
    throw new SecretsError(
      'in_use',
      `the secret ${name} is used by published journeys: ${journeys.map((j) => j.name).join(', ')}`,
      journeys,
    );
  if (!(await deleteSecretRow(db, workspaceId, name)))
    throw new SecretsError('not_found', `no secret ${name}`);
}

/** The value, for the worker at send time; null when the workspace has no secret of that name. */
export async function openWorkspaceSecret(
  db: Kysely<Database>,
  workspaceId: string,
  name: string,
): Promise<string | null> {
  const sealed = await findSealedSecret(db, workspaceId, name);
  return sealed === null ? null : open<string>(sealed, context(workspaceId, name));
}

/** Publishing: every secret the plan's nodes name must exist in the workspace, else a problem on that field. */
export async function missingSecrets(
  db: Kysely<Database>,
  registry: NodeRegistry,
  workspaceId: string,
  plan: unknown,
): Promise<Problem[]> {
  const refs = secretRefsOfPlan(plan, registry);
  const known = await existingSecretNames(db, workspaceId, [...new Set(refs.map((r) => r.name))]);
  return refs
    .filter((r) => !known.has(r.name))
    .map((r) => ({
      nodeId: r.nodeId,
      field: r.field,
      code: 'check' as const,
      message: `the workspace has no secret named ${r.name} (an admin adds it in settings)`,
    }));
}

/** The sealing context of a secret, for re-sealing (engine/secrets/reseal.ts). */
export const secretContext = context;
