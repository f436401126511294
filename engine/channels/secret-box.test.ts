import { beforeAll, describe, expect, it } from 'vitest';
import { derivedToken, open, seal } from './secret-box.js';

/** Credentials are sealed with AES-256-GCM, bound to their workspace and channel. */
describe('secret box', () => {
  beforeAll(() => {
    process.env.YUTANG_SECRET_KEY ??= 'unit-test-key';
  });

  it('opens what it sealed, and the sealed text shows nothing of the value', () => {
    const sealed = seal({ accessKeySecret: 'very-secret' }, 'channel:ws1:sms');
    expect(sealed).toMatch(/^v1\./);
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
  });
});
