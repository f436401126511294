import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connection.js';
import { createApi } from '../api/app.js';
import { bootstrapAdminFromEnv } from '../auth/setup.js';
import { logger } from '../infra/logger.js';
import { loadNodeRegistry } from '../nodes/registry.js';
import { freshDatabase } from '../testing/fresh-database.js';

/** A database nobody has an account in: the API answers nothing but "create the administrator". */
describe('first start', () => {
  const fresh: Array<{ drop(): Promise<void> }> = [];
  const dbs: Array<ReturnType<typeof createDb>> = [];
  afterAll(async () => {
    for (const db of dbs) await db.destroy();
    for (const f of fresh) await f.drop();
  });

  async function newApi() {
    const database = await freshDatabase(inject('databaseUrl'));
    fresh.push(database);
    const db = createDb(database.url, { max: 4 });
    dbs.push(db);
    // Temporal is not needed before anyone can sign in; a client that is never used will do.
    const temporal = { client: {} as never, taskQueue: 'unused', namespace: 'default', uiUrl: null };
    const app = new Hono().route('/api', createApi({ db, registry: await loadNodeRegistry(), temporal }));
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await app.request(`http://localhost/api${path}`, {
        method,
        headers: { 'content-type': 'application/json', origin: 'http://localhost', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { res, status: res.status, body: text ? JSON.parse(text) : null };
    };
    return { db, call };
  }

  let api: Awaited<ReturnType<typeof newApi>>;
  beforeAll(async () => {
    api = await newApi();
  });

  it('accepts nothing but setting up until the administrator exists, then only once', async () => {
    const state = await api.call('GET', '/auth/session');
    expect(state.body).toMatchObject({ setupRequired: true, user: null });
    for (const [method, path] of [
      ['GET', '/journeys'],
      ['POST', '/events'],
      ['GET', '/members/x'],
      ['GET', '/nowhere'],
    ]) {
      const res = await api.call(method, path, method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error.code).toBe('setup_required');
    }
    expect((await api.call('GET', '/health')).status).toBe(200);
    // not from another site, not with a weak password
    const forged = await api.call(
      'POST',
      '/auth/setup',
      { email: 'boss@brand.cn', password: 'a long password' },
      { origin: 'https://evil.example' },
    );
    expect(forged.status).toBe(403);
    const weak = await api.call('POST', '/auth/setup', { email: 'boss@brand.cn', password: 'short' });
    expect(weak).toMatchObject({ status: 400, body: { error: { field: 'password' } } });

    const made = await api.call('POST', '/auth/setup', {
      email: ' Boss@Brand.cn ',
      name: '老板',
      password: 'a long password',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      setupRequired: false,
      user: { email: 'boss@brand.cn', name: '老板' },
      workspace: { id: 'default' },
      role: 'admin',
    });
    const cookie = made.res.headers
      .getSetCookie()
      .find((c) => c.startsWith('yutang_session='))!
      .split(';')[0];
    expect((await api.call('GET', '/journeys', undefined, { cookie })).status).toBe(200);

    const again = await api.call('POST', '/auth/setup', {
      email: 'thief@evil.example',
      password: 'a long password',
    });
    expect(again.status).toBe(409);
    const users = await api.db.selectFrom('users').select('email').execute();
    expect(users).toEqual([{ email: 'boss@brand.cn' }]);
    const record = await api.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'auth.setup')
      .execute();
    expect(record).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        detail: expect.objectContaining({ error: 'invalid_input' }),
      }),
      expect.objectContaining({
        outcome: 'ok',
        actor_type: 'user',
        actor_name: 'boss@brand.cn',
        workspace_id: 'default',
      }),
      expect.objectContaining({ outcome: 'failed', detail: expect.objectContaining({ error: 'conflict' }) }),
    ]);
  });

  it('two set-ups at the same moment make one administrator', async () => {
    const other = await newApi();
    const results = await Promise.all(
      ['a@brand.cn', 'b@brand.cn', 'c@brand.cn'].map((email) =>
        other.call('POST', '/auth/setup', { email, password: 'a long password' }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await other.db.selectFrom('users').select('email').execute()).toHaveLength(1);
  });

  it('YUTANG_ADMIN_EMAIL / YUTANG_ADMIN_PASSWORD create the administrator without the web UI, once', async () => {
    const other = await newApi();
    const env = { YUTANG_ADMIN_EMAIL: 'ops@brand.cn', YUTANG_ADMIN_PASSWORD: 'from the environment' };
    await bootstrapAdminFromEnv(other.db, logger, env);
    await bootstrapAdminFromEnv(other.db, logger, { ...env, YUTANG_ADMIN_PASSWORD: 'a different one now' });
    const signedIn = await other.call('POST', '/auth/sign-in', {
      email: 'ops@brand.cn',
      password: 'from the environment',
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.role).toBe('admin');
    await expect(
      bootstrapAdminFromEnv(other.db, logger, { YUTANG_ADMIN_EMAIL: 'x@brand.cn' }),
    ).rejects.toThrow(/both/);
    await expect(
      bootstrapAdminFromEnv(other.db, logger, {
        YUTANG_ADMIN_EMAIL: 'x@brand.cn',
        YUTANG_ADMIN_PASSWORD: 'short',
      }),
    ).rejects.toThrow(/at least 10/);
  });
});
