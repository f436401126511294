import { Hono } from 'hono';
import { z } from 'zod';
import { audit, audited } from '../../auth/audit.js';
import {
  acceptedCallbackTokens,
  ChannelSettingsError,
  channelSettingsViews,
  forgetChannelCredentials,
  removeChannelCredentials,
  saveChannelCredentials,
} from '../../channels/channel-settings.service.js';
import { applyDeliveryUpdates, pollPendingDeliveries } from '../../channels/deliver.js';
import { channels } from '../../channels/registry.js';
import { SecretKeyProblem } from '../../channels/secret-box.js';
import { AppError } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { tooDeepAt } from '../json-depth.js';
import { documented } from '../openapi.js';
import { BODY_MAX_DEPTH, body, safeText } from '../validate.js';

/** Credential values as typed in settings; each channel's own schema decides what they must be. */
const credentialsBody = z
  .record(safeText(64, { min: 1, line: true }), z.union([safeText(2000), z.number(), z.boolean(), z.null()]))
  .refine((r) => Object.keys(r).length <= 30, 'at most 30 fields');

documented({
  method: 'get',
  path: '/api/channels',
  summary: 'The channels a message can go out on: each one’s message form and settings form (JSON Schema)',
  tag: 'channels',
  permission: 'journeys.read',
});
documented({
  method: 'get',
  path: '/api/channel-settings',
  summary: 'Which channels have provider credentials: the fields set and non-secret values, never a secret',
  tag: 'channels',
  permission: 'settings.read',
});
documented({
  method: 'put',
  path: '/api/channel-settings/:channel',
  summary:
    'Store a channel’s provider credentials, sealed (fields left out keep their stored value; 422 naming the field)',
  tag: 'channels',
  body: credentialsBody,
  permission: 'settings.edit',
  audit: 'channel.configure',
});
documented({
  method: 'delete',
  path: '/api/channel-settings/:channel',
  summary: 'Forget a channel’s credentials: its messages go to the sandbox again',
  tag: 'channels',
  permission: 'settings.edit',
  audit: 'channel.remove',
});
documented({
  method: 'post',
  path: '/api/channel-settings/:channel/poll',
  summary:
    'Ask the provider now about this channel’s messages still pending (WeCom tasks awaiting the guide)',
  tag: 'channels',
  permission: 'settings.edit',
  audit: false,
});
documented({
  method: 'post',
  path: '/api/channels/:channel/callback/:workspaceId',
  summary:
    'Delivery reports from a provider (Aliyun SmsReport JSON, WeChat TEMPLATESENDJOBFINISH XML). Public, verified by the workspace’s callback token (?token=, shown in channel settings)',
  tag: 'channels',
  permission: 'public',
  audit: false,
});

/** The `:channel` of the path: a channel this build has, else 404 (never a 500 for a strange path). */
function channelParam(value: string): string {
  if (!channels.get(value)) throw new AppError('not_found', `no channel ${value.slice(0, 40)}`);
  return value;
}

function settingsError(err: unknown): never {
  if (err instanceof ChannelSettingsError) {
    if (err.code === 'invalid_credentials')
      throw new AppError('invalid_settings', err.message, {
        field: err.issues[0]?.field,
        issues: err.issues,
      });
    throw new AppError('not_found', err.message);
  }
  if (err instanceof SecretKeyProblem) throw new AppError('unavailable', err.message);
  throw err;
}

/** Channel catalogue and credentials (behind authorization). */
export function channelRoutes({ db }: AppDeps) {
  const app = new Hono<AppEnv>();
  const described = channels.describe();

  app.get('/channels', (c) => c.json({ channels: described }));

  app.get('/channel-settings', async (c) => {
    const canEdit = c.get('principal')?.permissions.has('settings.edit') ?? false;
    const views = await channelSettingsViews(db, c.get('workspaceId'), canEdit).catch(settingsError);
    return c.json({ channels: views });
  });

  app.put('/channel-settings/:channel', async (c) => {
    const channel = channelParam(c.req.param('channel'));
    const input = await body(c, credentialsBody);
    const view = await audited(c, db, (trx) => {
      // the audit names the fields changed, never their values
      audit(c)
        .target('channel', channel)
        .detail({ fields: Object.keys(input) });
      return saveChannelCredentials(trx, c.get('workspaceId'), channel, input);
    }).catch(settingsError);
    forgetChannelCredentials(c.get('workspaceId'), channel);
    return c.json({ channel: view });
  });

  app.delete('/channel-settings/:channel', async (c) => {
    const channel = channelParam(c.req.param('channel'));
    await audited(c, db, (trx) => {
      audit(c).target('channel', channel);
      return removeChannelCredentials(trx, c.get('workspaceId'), channel);
    }).catch(settingsError);
    forgetChannelCredentials(c.get('workspaceId'), channel);
    return c.json({ ok: true });
  });

  app.post('/channel-settings/:channel/poll', async (c) => {
    const channel = channelParam(c.req.param('channel'));
    const changed = await pollPendingDeliveries(db, { workspaceId: c.get('workspaceId'), channel });
    return c.json({ changed });
  });

  return app;
}

/**
 * Provider callbacks: mounted before authorization (a provider sends neither a key nor a session, nor JSON
 * always — WeChat posts XML). The workspace's callback token, derived from the secret key, is the credential.
 */
export function channelCallbackRoutes({ db }: AppDeps) {
  const app = new Hono<AppEnv>();
  app.post('/channels/:channel/callback/:workspaceId', async (c) => {
    const channel = c.req.param('channel');
    const workspaceId = c.req.param('workspaceId');
    const def = channels.get(channel);
    if (!def?.parseCallback)
      throw new AppError('not_found', `channel ${channel.slice(0, 40)} takes no callbacks`);
    const token = c.req.query('token') ?? '';
    const accepted = await Promise.resolve()
      .then(() => acceptedCallbackTokens(workspaceId, channel))
      .catch(settingsError);
    if (!accepted.some((expected) => timingSafeEqualText(token, expected)))
      throw new AppError('unauthenticated', 'the callback token is not valid');
    if (Number(c.req.header('content-length') ?? 0) > 1_000_000)
      throw new AppError('invalid_input', 'the report is larger than 1 MB');
    const text = await c.req.text();
    if (text.length > 1_000_000) throw new AppError('invalid_input', 'the report is larger than 1 MB');
    // as for every other body: depth is checked on the text, before a channel's parser walks it
    if (!/xml/i.test(c.req.header('content-type') ?? '') && tooDeepAt(text, BODY_MAX_DEPTH))
      throw new AppError('invalid_input', `the report is nested more than ${BODY_MAX_DEPTH} levels deep`);
    let updates: ReturnType<NonNullable<typeof def.parseCallback>>;
    try {
      updates = def.parseCallback(text, c.req.header('content-type'));
    } catch (err) {
      throw new AppError('invalid_input', `not a ${def.label.en} delivery report: ${(err as Error).message}`);
    }
    const changed = await applyDeliveryUpdates(db, workspaceId, channel, updates);
    // WeChat's event pushes (XML) want the plain word `success`; Aliyun's JSON reports want {"code":0}.
    if (/xml/i.test(c.req.header('content-type') ?? '')) return c.text('success');
    return c.json({ code: 0, msg: '接收成功', changed });
  });
  return app;
}

function timingSafeEqualText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
