import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connection.js';
import { open, seal, secretKeyFromText } from '../channels/secret-box.js';
import { collectOutput, hasExited, spawnOwned, stopOwned } from '../infra/owned-process.js';
import { freshDatabase } from '../testing/fresh-database.js';

/** Run `node --import tsx <script> …args` with `env` (on top of this process's, minus the key variables). */
async function run(script: string, args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  const base = { ...process.env };
  delete base.YUTANG_SECRET_KEY;
  delete base.YUTANG_SECRET_KEY_OLD;
  const child = await spawnOwned(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...base, ...env },
  });
  const output = collectOutput(child);
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => void stopOwned(child, 2000).then(() => resolve(null)), timeoutMs);
    if (hasExited(child)) resolve(child.exitCode);
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  return { code, output: output() };
}

/**
 * Issue 14, L9: production used to start without YUTANG_SECRET_KEY (it was checked on first use) and took any
 * string, hashed once. Now every process mode refuses to start without 32 random bytes (base64 or hex), and
 * `npm run secrets:reseal` moves every sealed value to the current key and format.
 */
describe('the sealing key', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'yutang-key-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  // every mode checks the key first; the kinds of bad key are told apart once
  it.each([
    ['no key', {}, /YUTANG_SECRET_KEY is required with NODE_ENV=production/, ['api', 'worker', 'all']],
    ['a passphrase', { YUTANG_SECRET_KEY: 'our company password' }, /neither base64 nor hex/, ['api']],
    [
      '16 bytes',
      { YUTANG_SECRET_KEY: randomBytes(16).toString('hex') },
      /holds 16 bytes; it needs at least 32 random bytes/,
      ['worker'],
    ],
  ])(
    'production refuses to start with %s, in one line, before touching anything',
    async (_, env, why, modes) => {
      for (const mode of modes) {
        const { code, output } = await run(
          'engine/main.ts',
          [mode],
          // servers nobody runs and a data folder of its own: were the check to pass, nothing real is touched
          {
            NODE_ENV: 'production',
            YUTANG_DATA_DIR: dataDir,
            DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
            TEMPORAL_ADDRESS: '127.0.0.1:9',
            LOG_LEVEL: 'info',
            ...env,
          },
          30_000,
        );
        expect(code, output).toBe(1);
        const fatal = output.split('\n').find((l) => l.includes('"level":"fatal"'));
        expect(fatal, output).toBeDefined();
        expect(JSON.parse(fatal as string).msg).toMatch(why);
        // refused before the database or Temporal: no line about either
        expect(output).not.toMatch(/Postgres|temporal/i);
      }
    },
  );

  describe('npm run secrets:reseal', () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let db: ReturnType<typeof createDb>;
    const OLD = randomBytes(32).toString('base64');
    const NEW = randomBytes(32).toString('hex');
    const oldKey = secretKeyFromText(OLD);
    const newKey = secretKeyFromText(NEW);
    /** What the app wrote before HKDF: v1, AES key = SHA-256 of the variable's text. */
    const sealV1 = (value: unknown, context: string) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', createHash('sha256').update(OLD).digest(), iv);
      cipher.setAAD(Buffer.from(context));
      const data = Buffer.concat([cipher.update(JSON.stringify(value)), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), data]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    };
    const rows = async () => ({
      credentials: await db.selectFrom('channel_credentials').selectAll().orderBy('channel').execute(),
      secrets: await db.selectFrom('workspace_secrets').selectAll().execute(),
    });
    const reseal = (env: Record<string, string>) =>
      run('engine/scripts/reseal-secrets.ts', [], { DATABASE_URL: database.url, ...env });

    beforeAll(async () => {
      database = await freshDatabase(inject('databaseUrl'));
      db = createDb(database.url, { max: 2 });
      await db.insertInto('workspaces').values({ id: 'ws-r', name: 'ws-r' }).execute();
      await db
        .insertInto('channel_credentials')
        .values([
          {
            workspace_id: 'ws-r',
            channel: 'sms',
            sealed: sealV1({ accessKeySecret: 'sms-secret' }, 'channel:ws-r:sms'),
            fields: '[]',
          },
          {
            workspace_id: 'ws-r',
            channel: 'wechat',
            sealed: seal({ appSecret: 'wx-secret' }, 'channel:ws-r:wechat', oldKey),
            fields: '[]',
          },
        ])
        .execute();
      await db
        .insertInto('workspace_secrets')
        .values({
          workspace_id: 'ws-r',
          name: 'crm_signing',
          sealed: seal('crm-value-0123456789', 'secret:ws-r:crm_signing', oldKey),
          created_by_name: 'admin@yutang.test',
        })
        .execute();
    });
    afterAll(async () => {
      await db?.destroy();
      await database?.drop();
    });

    it('a value no key opens stops it: nothing is re-sealed (one transaction)', async () => {
      const before = await rows();
      const stranger = secretKeyFromText(randomBytes(32).toString('base64'));
      await db
        .insertInto('workspace_secrets')
        .values({
          workspace_id: 'ws-r',
          name: 'zz_stranger',
          sealed: seal('x'.repeat(16), 'secret:ws-r:zz_stranger', stranger),
        })
        .execute();
      const { code, output } = await reseal({ YUTANG_SECRET_KEY_OLD: OLD, YUTANG_SECRET_KEY: NEW });
      expect(code, output).toBe(1);
      expect(output).toMatch(/the secret zz_stranger of ws-r opens with neither/);
      await db.deleteFrom('workspace_secrets').where('name', '=', 'zz_stranger').execute();
      expect(await rows()).toEqual(before);
    });

    it('rotates every credential row and workspace secret to the new key, v1 included; a second run changes nothing', async () => {
      const { code, output } = await reseal({ YUTANG_SECRET_KEY_OLD: OLD, YUTANG_SECRET_KEY: NEW });
      expect(code, output).toBe(0);
      expect(output).toMatch(/2 channel credential row\(s\), 1 workspace secret\(s\); 0 already current/);
      const after = await rows();
      for (const r of [...after.credentials, ...after.secrets]) expect(r.sealed).toMatch(/^v2\./);
      const [sms, wechat] = after.credentials;
      expect(open(sms.sealed, 'channel:ws-r:sms', newKey)).toEqual({ accessKeySecret: 'sms-secret' });
      expect(open(wechat.sealed, 'channel:ws-r:wechat', newKey)).toEqual({ appSecret: 'wx-secret' });
      expect(open(after.secrets[0].sealed, 'secret:ws-r:crm_signing', newKey)).toBe('crm-value-0123456789');
      expect(() => open(wechat.sealed, 'channel:ws-r:wechat', oldKey)).toThrow();
      // who made the secret is not changed by a re-seal
      expect(after.secrets[0].created_by_name).toBe('admin@yutang.test');

      const again = await reseal({ YUTANG_SECRET_KEY_OLD: OLD, YUTANG_SECRET_KEY: NEW });
      expect(again.code, again.output).toBe(0);
      expect(again.output).toMatch(
        /0 channel credential row\(s\), 0 workspace secret\(s\); 3 already current/,
      );
      expect(await rows()).toEqual(after);
    });

    it('production needs the new key to be a real one', async () => {
      const { code, output } = await reseal({ NODE_ENV: 'production', YUTANG_SECRET_KEY_OLD: NEW });
      expect(code).toBe(1);
      expect(output).toMatch(/YUTANG_SECRET_KEY is required with NODE_ENV=production/);
    });
  });
});
