import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from './auth-config.js';
import { trustedEntry } from './forwarded.js';

describe('trusted proxies', () => {
  it('believes only the entries the configured proxies appended, counted from the right', () => {
    // the client wrote "6.6.6.6"; the one proxy appended what it saw
    expect(trustedEntry('6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(trustedEntry('203.0.113.7', 1)).toBe('203.0.113.7');
    // two proxies: the outer one appended the client, the inner one the outer proxy
    expect(trustedEntry('6.6.6.6,203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7');
    // a chain shorter than the proxies configured: its left-most entry
    expect(trustedEntry('203.0.113.7', 2)).toBe('203.0.113.7');
    expect(trustedEntry('https', 2)).toBe('https');
    expect(trustedEntry('6.6.6.6, 203.0.113.7', 0)).toBeNull();
    expect(trustedEntry(undefined, 1)).toBeNull();
    expect(trustedEntry(' , ', 1)).toBeNull();
  });

  it('reads YUTANG_TRUST_PROXY as a number of proxies; true and yes still mean one', () => {
    for (const off of [undefined, '', '0', 'false', 'no', 'off']) expect(parseTrustProxy(off)).toBe(0);
    for (const one of ['1', 'true', 'TRUE', 'yes', 'on']) expect(parseTrustProxy(one)).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    for (const bad of ['-1', '1.5', 'loopback', '11', '10.0.0.1'])
      expect(() => parseTrustProxy(bad), bad).toThrow(/YUTANG_TRUST_PROXY=/);
  });
});
