import { Hono } from 'hono';
import { z } from 'zod';
import { audit, audited } from '../../auth/audit.js';
import { actorOf } from '../../auth/principal.js';
import { SecretKeyProblem } from '../../channels/secret-box.js';
import { SECRET_NAME } from '../../secrets/secret-refs.js';
import {
  deleteWorkspaceSecret,
  listWorkspaceSecrets,
  putWorkspaceSecret,
  SecretsError,
} from '../../secrets/secrets.service.js';
import { AppError } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { body, parseOrThrow, safeText } from '../validate.js';

const secretName = z
  .string()
  .regex(SECRET_NAME, 'letters, digits, _ and -, starting with a letter or _ (at most 100)');
const secretBody = z.object({
  /** the value; sealed at once and never returned (a webhook signing key: at least 16 characters) */
  value: safeText(4096, { min: 16, minMessage: 'at least 16 characters' }),
});

documented({
  method: 'get',
  path: '/api/secrets',
  summary: 'The workspace’s secrets: names, who made and last replaced them and when — never a value',
  tag: 'settings',
  permission: 'settings.read',
});
documented({
  method: 'put',
  path: '/api/secrets/:name',
  summary:
    'Create or replace a workspace secret (sealed; the value is never returned or audited). Journeys name it, e.g. a webhook’s signing key',
  tag: 'settings',
  body: secretBody,
  permission: 'secrets.manage',
  audit: 'secret.put',
});
documented({
  method: 'delete',
  path: '/api/secrets/:name',
  summary: 'Delete a workspace secret (409 naming them while published journeys use it)',
  tag: 'settings',
  permission: 'secrets.manage',
  audit: 'secret.delete',
});

function secretsError(err: unknown): never {
  if (err instanceof SecretsError) {
    if (err.code === 'in_use')
      throw new AppError('conflict', err.message, { field: 'name', journeys: err.journeys });
    throw new AppError('not_found', err.message);
  }
  if (err instanceof SecretKeyProblem) throw new AppError('unavailable', err.message);
  throw err;
}

/** Workspace secrets: admins store values journeys refer to by name; no answer carries a value. */
export function secretRoutes({ db, registry }: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/secrets', async (c) => c.json({ secrets: await listWorkspaceSecrets(db, c.get('workspaceId')) }));

  app.put('/secrets/:name', async (c) => {
    const name = parseOrThrow(z.object({ name: secretName }), { name: c.req.param('name') }).name;
    const input = await body(c, secretBody);
    const actor = actorOf(c.get('principal'));
    const result = await audited(c, db, async (trx) => {
      // the name, never the value
      audit(c).target('secret', name);
      const done = await putWorkspaceSecret(trx, c.get('workspaceId'), name, input.value, {
        id: actor.id ? `${actor.type}:${actor.id}` : null,
        name: actor.name,
      });
      audit(c).detail({ created: done.created });
      return done;
    }).catch(secretsError);
    return c.json({ secret: result.secret, created: result.created });
  });

  app.delete('/secrets/:name', async (c) => {
    const name = secretName.safeParse(c.req.param('name'));
    if (!name.success) throw new AppError('not_found', 'no such secret');
    await audited(c, db, (trx) => {
      audit(c).target('secret', name.data);
      return deleteWorkspaceSecret(trx, registry, c.get('workspaceId'), name.data);
    }).catch(secretsError);
    return c.json({ ok: true });
  });

  return app;
}
