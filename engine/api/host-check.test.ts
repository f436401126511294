import { describe, expect, it } from 'vitest';
import { parseAllowedHosts } from '../auth/auth-config.js';
import { hostAllowed } from './host-check.js';

describe('the hosts the app answers to (DNS rebinding)', () => {
  const config = {
    publicUrl: 'https://yutang.example.com',
    allowedHosts: parseAllowedHosts('crm.internal, *.brand.test:8443'),
    trustProxy: 0,
  };

  it('answers loopback names, IP addresses, the public URL and the configured names', () => {
    for (const host of [
      'localhost',
      'LOCALHOST',
      'localhost.',
      '127.0.0.1',
      '[::1]',
      '10.0.3.7',
      '[fd00::20]',
      'yutang.example.com',
      'Yutang.Example.COM.',
      'crm.internal',
      'ops.brand.test',
      'a.b.brand.test',
    ])
      expect(hostAllowed(host, config), host).toBe(true);
  });

  it('refuses every other name, including ones that only look like an allowed one', () => {
    for (const host of [
      'rebind.attacker.test',
      'brand.test',
      'evilbrand.test',
      'yutang.example.com.attacker.test',
      'localhost.attacker.test',
      'crm.internal.attacker.test',
      'example.com',
      '127.0.0.1.nip.io',
      '',
    ])
      expect(hostAllowed(host, config), host).toBe(false);
    expect(hostAllowed('rebind.attacker.test', { ...config, publicUrl: null, allowedHosts: [] })).toBe(false);
  });

  it('`*` answers any name (the check is off)', () => {
    expect(hostAllowed('anything.test', { ...config, allowedHosts: ['*'] })).toBe(true);
  });

  it('reads YUTANG_ALLOWED_HOSTS: names and *.names, any case, ports ignored; refuses what is not a name', () => {
    expect(parseAllowedHosts(' Yutang.Example.com , *.Brand.test:443,,app ')).toEqual([
      'yutang.example.com',
      '*.brand.test',
      'app',
    ]);
    expect(parseAllowedHosts(undefined)).toEqual([]);
    expect(parseAllowedHosts('*')).toEqual(['*']);
    for (const bad of ['http://yutang.example.com', 'a b', '*example.com', 'example.com/x', '*.'])
      expect(() => parseAllowedHosts(bad), bad).toThrow(/YUTANG_ALLOWED_HOSTS/);
  });
});
