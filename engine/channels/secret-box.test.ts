import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  derivedToken,
  legacyDerivedToken,
  oldSecretKey,
  open,
  parseKeyText,
  SecretKeyProblem,
  seal,
  secretKeyFromText,
} from './secret-box.js';

const KEY = randomBytes(32).toString('base64');

/** What the v1 format wrote: AES-256-GCM under SHA-256 of the variable's text. */
function sealV1(value: unknown, context: string, keyText: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', createHash('sha256').update(keyText).digest(), iv);
  cipher.setAAD(Buffer.from(context));
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Credentials are sealed with AES-256-GCM, bound to their workspace and channel. */
describe('secret box', () => {
  beforeAll(() => {
    process.env.YUTANG_SECRET_KEY = KEY;
  });

  it('opens what it sealed, and the sealed text shows nothing of the value', () => {
    const sealed = seal({ accessKeySecret: 'very-secret' }, 'channel:ws1:sms');
    expect(sealed).toMatch(/^v2\./);
    expect(sealed).not.toContain('very-secret');
    expect(open(sealed, 'channel:ws1:sms')).toEqual({ accessKeySecret: 'very-secret' });
    // a fresh IV each time: equal values do not seal to equal text
    expect(seal({ a: 1 }, 'x')).not.toBe(seal({ a: 1 }, 'x'));
  });

  it('refuses another workspace’s context and any altered byte', () => {
    const sealed = seal({ token: 't' }, 'channel:ws1:sms');
    expect(() => open(sealed, 'channel:ws2:sms')).toThrow();
    const parts = sealed.split('.');
    const data = Buffer.from(parts[3], 'base64url');
    data[0] ^= 1;
    expect(() =>
      open([...parts.slice(0, 3), data.toString('base64url')].join('.'), 'channel:ws1:sms'),
    ).toThrow();
  });

  it('derives stable tokens per purpose', () => {
    expect(derivedToken('callback:ws1:sms')).toBe(derivedToken('callback:ws1:sms'));
    expect(derivedToken('callback:ws1:sms')).not.toBe(derivedToken('callback:ws2:sms'));
    // tokens come from their own HKDF key, not the one that seals, nor the v1 key
    expect(derivedToken('callback:ws1:sms')).not.toBe(legacyDerivedToken('callback:ws1:sms'));
  });
});

/** L9 (issue 14): a key is 32 random bytes (base64 or hex), derived with HKDF; v1 text still opens. */
describe('the secret key', () => {
  it.each([
    ['base64', randomBytes(32).toString('base64')],
    ['base64url', randomBytes(48).toString('base64url')],
    ['hex', randomBytes(32).toString('hex')],
  ])('takes 32 random bytes or more as %s', (_, text) => {
    expect(Buffer.isBuffer(parseKeyText(text))).toBe(true);
  });

  it.each([
    ['a passphrase', 'correct horse battery staple', /neither base64 nor hex/],
    ['too short', randomBytes(16).toString('base64'), /16 bytes; it needs at least 32/],
    ['short hex', randomBytes(20).toString('hex'), /needs at least 32/],
    ['not random', 'A'.repeat(64), /does not look random/],
    ['the old test key', 'yutang-test-secret-key', /needs at least 32/],
  ])('refuses %s with one line saying why', (_, text, why) => {
    const problem = parseKeyText(text);
    expect(problem).toMatch(why);
    expect(String(problem)).not.toContain('\n');
    expect(() => secretKeyFromText(text)).toThrow(SecretKeyProblem);
  });

  it('derives the AES key with HKDF-SHA256: not the key bytes, not their SHA-256', () => {
    const text = randomBytes(32).toString('base64');
    const key = secretKeyFromText(text);
    const bytes = Buffer.from(text, 'base64');
    expect(key.seal?.equals(bytes)).toBe(false);
    expect(key.seal?.equals(createHash('sha256').update(bytes).digest())).toBe(false);
    expect(key.seal?.equals(createHash('sha256').update(text).digest())).toBe(false);
  });

  it('opens v1 text sealed before (SHA-256 of the same variable), and seals v2', () => {
    const text = randomBytes(32).toString('base64');
    const v1 = sealV1({ appSecret: 'kept' }, 'channel:ws:wechat', text);
    const key = secretKeyFromText(text);
    expect(open(v1, 'channel:ws:wechat', key)).toEqual({ appSecret: 'kept' });
    expect(seal({ a: 1 }, 'c', key)).toMatch(/^v2\./);
  });

  it('an old key of any text opens its v1 values (for re-sealing), but cannot seal', () => {
    const v1 = sealV1({ pass: 'p' }, 'channel:ws:email', 'my old passphrase');
    const old = oldSecretKey('my old passphrase');
    expect(open(v1, 'channel:ws:email', old)).toEqual({ pass: 'p' });
    expect(() => seal({}, 'x', old)).toThrow(SecretKeyProblem);
    // a different key opens nothing
    expect(() => open(v1, 'channel:ws:email', secretKeyFromText(randomBytes(32).toString('hex')))).toThrow();
  });
});
