import { Hono } from 'hono';
import { audit, audited } from '../../auth/audit.js';
import {
  loadWorkspaceSettings,
  saveWorkspaceSettings,
  workspaceSettingsSchema,
} from '../../settings/workspace-settings.js';
import { AppError } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented } from '../openapi.js';
import { body } from '../validate.js';

documented({
  method: 'get',
  path: '/api/settings',
  summary: 'Workspace settings: time zone, quiet hours, frequency caps',
  tag: 'settings',
  permission: 'settings.read',
});
documented({
  method: 'put',
  path: '/api/settings',
  summary: 'Replace the workspace settings (422 naming the field when a rule cannot hold)',
  tag: 'settings',
  body: workspaceSettingsSchema,
  permission: 'settings.edit',
  audit: 'settings.update',
});

export function settingsRoutes({ db }: AppDeps) {
  const app = new Hono<AppEnv>();

  app.get('/settings', async (c) =>
    c.json({ settings: await loadWorkspaceSettings(db, c.get('workspaceId')) }),
  );

  app.put('/settings', async (c) => {
    // Well-formed JSON whose rules cannot hold (quiet hours that start where they end, a cap of 0, an
    // unknown zone) is unprocessable: 422 with the field, like a journey that cannot be published.
    const input = await body(c, workspaceSettingsSchema).catch((err) => {
      if (err instanceof AppError && err.code === 'invalid_input') {
        throw new AppError('invalid_settings', err.message, err.extra);
      }
      throw err;
    });
    const settings = await audited(c, db, (trx) => {
      audit(c).target('workspace', c.get('workspaceId')).detail({ settings: input });
      return saveWorkspaceSettings(trx, c.get('workspaceId'), input);
    });
    return c.json({ settings });
  });

  return app;
}
