import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { logger } from '../infra/logger.js';

/**
 * Channel credentials are sealed with AES-256-GCM under one key:
 * - `YUTANG_SECRET_KEY` (any string; 32 bytes are derived from it with SHA-256). Required in production
 *   (`NODE_ENV=production`): every API and worker process must share it, and it must not live next to the data.
 * - otherwise (development) a random key is generated once and kept in `<YUTANG_DATA_DIR or ./data>/secret.key`
 *   (mode 0600), with a warning: losing that file loses the stored credentials (they are typed in again).
 */
const VERSION = 'v1';
let cached: { source: string; key: Buffer } | null = null;

export class SecretKeyMissing extends Error {
  constructor() {
    super('set YUTANG_SECRET_KEY to store channel credentials (required when NODE_ENV=production)');
    this.name = 'SecretKeyMissing';
  }
}

function secretKey(): Buffer {
  const env = process.env.YUTANG_SECRET_KEY;
  const source = env ? `env:${env}` : 'file';
  if (cached?.source === source) return cached.key;
  let key: Buffer;
  if (env) key = createHash('sha256').update(env).digest();
  else {
    if (process.env.NODE_ENV === 'production') throw new SecretKeyMissing();
    const file = resolve(process.env.YUTANG_DATA_DIR ?? 'data', 'secret.key');
    if (existsSync(file)) key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    else {
      key = randomBytes(32);
      mkdirSync(dirname(file), { recursive: true });
      // 'wx': two processes starting at once must not overwrite each other's key
      try {
        writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch {
        key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
      }
      chmodSync(file, 0o600);
      logger.warn(
        { file },
        'YUTANG_SECRET_KEY is not set: channel credentials are sealed with a generated development key kept in this file; set YUTANG_SECRET_KEY in production',
      );
    }
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key`);
  }
  cached = { source, key };
  return key;
}

/** Seal a JSON value: `v1.<iv>.<tag>.<ciphertext>`, base64url; the workspace and channel are bound as AAD. */
export function seal(value: unknown, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secretKey(), iv);
  cipher.setAAD(Buffer.from(context));
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Open what `seal` made for the same context; throws when the key or the context differ, or it was altered. */
export function open<T = unknown>(sealed: string, context: string): T {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION) throw new Error(`unknown sealed format ${version}`);
  const decipher = createDecipheriv('aes-256-gcm', secretKey(), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const text = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
  return JSON.parse(text) as T;
}

/** A token derived from the key (so nothing more is stored), e.g. a workspace's callback token for a channel. */
export function derivedToken(purpose: string): string {
  return createHmac('sha256', secretKey()).update(purpose).digest('base64url').slice(0, 32);
}
