import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { logger } from '../infra/logger.js';

/**
 * Channel credentials and workspace secrets are sealed with AES-256-GCM under one key:
 * - `YUTANG_SECRET_KEY`: at least 32 random bytes written as base64 (base64url too) or hex, e.g.
 *   `openssl rand -base64 32`. Required in production (`NODE_ENV=production`, checked at start in every process
 *   mode): every API and worker process must share it, and it must not live next to the data.
 * - otherwise (development) a random key is generated once and kept in `<YUTANG_DATA_DIR or ./data>/secret.key`
 *   (mode 0600), with a warning: losing that file loses the stored credentials (they are typed in again).
 *
 * The AES key is derived with HKDF-SHA256 (info `yutang seal v2`); sealed text starts `v2.`. Text sealed before
 * (`v1.`: the AES key was SHA-256 of the variable's text, or the key file's bytes) still opens; `npm run
 * secrets:reseal` seals every stored value again under the current key (and rotates keys: engine/secrets/reseal.ts).
 */
const SEAL_INFO = 'yutang seal v2';
const TOKEN_INFO = 'yutang token v2';
const MIN_KEY_BYTES = 32;

/** A key as the process holds it: what `v2` seals with, and what `v1` text was sealed with. */
export interface SecretKey {
  /** where it came from, for messages: `YUTANG_SECRET_KEY`, `YUTANG_SECRET_KEY_OLD` or the key file */
  source: string;
  /** the AES key of `v2.` text (HKDF); null for an old key that is not 32 random bytes (it opens `v1.` only) */
  seal: Buffer | null;
  /** the AES key of `v1.` text */
  legacy: Buffer;
  /** the HMAC key of derived tokens (callback tokens); null like `seal` */
  token: Buffer | null;
}

/** The key cannot be used: missing in production, or not 32 random bytes. One line, for the start-up log. */
export class SecretKeyProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyProblem';
  }
}

/** Kept for callers that catch the missing key by name (a 503 in the API). */
export class SecretKeyMissing extends SecretKeyProblem {
  constructor() {
    super(
      'YUTANG_SECRET_KEY is required with NODE_ENV=production: 32 random bytes as base64 or hex (openssl rand -base64 32)',
    );
    this.name = 'SecretKeyMissing';
  }
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * The bytes a key's text stands for: hex, else base64 / base64url; at least 32 bytes of something that looks
 * random (16 distinct byte values: 32 random bytes have about 30). Returns why not, as a string, otherwise.
 */
export function parseKeyText(text: string, name = 'YUTANG_SECRET_KEY'): Buffer | string {
  const t = text.trim();
  const howTo = 'e.g. openssl rand -base64 32';
  let bytes: Buffer | null = null;
  // hex first: 32 random bytes in base64 are never all hex digits, while hex text is valid base64 too
  if (HEX.test(t)) bytes = Buffer.from(t, 'hex');
  else if (BASE64.test(t)) bytes = Buffer.from(t, 'base64');
  if (!bytes) return `${name} is neither base64 nor hex (${howTo})`;
  if (bytes.length < MIN_KEY_BYTES)
    return `${name} holds ${bytes.length} bytes; it needs at least ${MIN_KEY_BYTES} random bytes (${howTo})`;
  if (new Set(bytes).size < 16)
    return `${name} does not look random (too few distinct bytes); generate one (${howTo})`;
  return bytes;
}

function derive(ikm: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), info, 32));
}

function fromBytes(source: string, bytes: Buffer, legacy: Buffer): SecretKey {
  return { source, seal: derive(bytes, SEAL_INFO), legacy, token: derive(bytes, TOKEN_INFO) };
}

/** A key from the text of a variable (YUTANG_SECRET_KEY's format); throws SecretKeyProblem when unusable. */
export function secretKeyFromText(text: string, name = 'YUTANG_SECRET_KEY'): SecretKey {
  const bytes = parseKeyText(text, name);
  if (typeof bytes === 'string') throw new SecretKeyProblem(bytes);
  // v1 sealed with SHA-256 of the variable's text, whatever it was
  return fromBytes(name, bytes, createHash('sha256').update(text).digest());
}

/**
 * A key that may have sealed what is stored (re-sealing): any text opens `v1.` values (v1 took any string);
 * well-formed text opens `v2.` values too. `file:<path>` reads a development key file.
 */
export function oldSecretKey(text: string, name = 'YUTANG_SECRET_KEY_OLD'): SecretKey {
  if (text.startsWith('file:')) return fileKey(resolve(text.slice('file:'.length)), false);
  const legacy = createHash('sha256').update(text).digest();
  const bytes = parseKeyText(text, name);
  return typeof bytes === 'string'
    ? { source: name, seal: null, legacy, token: null }
    : fromBytes(name, bytes, legacy);
}

function fileKey(file: string, create: boolean): SecretKey {
  let bytes: Buffer;
  if (existsSync(file) || !create) bytes = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  else {
    bytes = randomBytes(32);
    mkdirSync(dirname(file), { recursive: true });
    // 'wx': two processes starting at once must not overwrite each other's key
    try {
      writeFileSync(file, bytes.toString('base64'), { mode: 0o600, flag: 'wx' });
    } catch {
      bytes = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    }
    chmodSync(file, 0o600);
    logger.warn(
      { file },
      'YUTANG_SECRET_KEY is not set: channel credentials and workspace secrets are sealed with a generated development key kept in this file; set YUTANG_SECRET_KEY in production',
    );
  }
  if (bytes.length !== 32) throw new SecretKeyProblem(`${file} does not hold a 32-byte key`);
  // v1 used the file's bytes as the AES key itself
  return fromBytes(`key file ${file}`, bytes, bytes);
}

let cached: { text: string; key: SecretKey } | null = null;

/**
 * The process's key: YUTANG_SECRET_KEY, else (not in production) the development key file, made on first use.
 * Throws SecretKeyProblem when it cannot be used; `engine/main.ts` calls it at start so a bad key stops the start.
 */
export function currentSecretKey(): SecretKey {
  const env = process.env.YUTANG_SECRET_KEY;
  const text = env ? `env:${env}` : `file:${process.env.YUTANG_DATA_DIR ?? 'data'}`;
  if (cached?.text === text) return cached.key;
  let key: SecretKey;
  if (env) key = secretKeyFromText(env);
  else {
    if (process.env.NODE_ENV === 'production') throw new SecretKeyMissing();
    key = fileKey(resolve(process.env.YUTANG_DATA_DIR ?? 'data', 'secret.key'), true);
  }
  cached = { text, key };
  return key;
}

/** Seal a JSON value: `v2.<iv>.<tag>.<ciphertext>`, base64url; `context` (workspace, channel or name) is the AAD. */
export function seal(value: unknown, context: string, key: SecretKey = currentSecretKey()): string {
  if (!key.seal) throw new SecretKeyProblem(`${key.source} cannot seal: it is not 32 random bytes`);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.seal, iv);
  cipher.setAAD(Buffer.from(context));
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v2', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Open what `seal` made (v2, or v1 from before) for the same context; throws when the key or context differ. */
export function open<T = unknown>(sealed: string, context: string, key: SecretKey = currentSecretKey()): T {
  const [version, iv, tag, data] = sealed.split('.');
  const aes = version === 'v2' ? key.seal : version === 'v1' ? key.legacy : null;
  if (!aes) throw new Error(`cannot open sealed format ${version} with ${key.source}`);
  const decipher = createDecipheriv('aes-256-gcm', aes, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const text = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
  return JSON.parse(text) as T;
}

/** Whether `sealed` is in the format `seal` writes today (the rest is re-sealed by `npm run secrets:reseal`). */
export function isCurrentFormat(sealed: string): boolean {
  return sealed.startsWith('v2.');
}

/** A token derived from the key (so nothing more is stored), e.g. a workspace's callback token for a channel. */
export function derivedToken(purpose: string, key: SecretKey = currentSecretKey()): string {
  if (!key.token) throw new SecretKeyProblem(`${key.source} cannot derive tokens: it is not 32 random bytes`);
  return createHmac('sha256', key.token).update(purpose).digest('base64url').slice(0, 32);
}

/**
 * The token the same purpose had before tokens were derived with HKDF (HMAC under the v1 AES key): callback
 * URLs given to providers before keep working until the key is rotated.
 */
export function legacyDerivedToken(purpose: string, key: SecretKey = currentSecretKey()): string {
  return createHmac('sha256', key.legacy).update(purpose).digest('base64url').slice(0, 32);
}
