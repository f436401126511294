import { describe, expect, it } from 'vitest';
import { ipv6Groups, refusedAddress } from './address-policy.js';

describe('webhook address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', '"this network"'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd12:3456::1', 'unique local'],
    ['fc00::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
  ])('refuses %s (%s)', (address, why) => {
    expect(refusedAddress(address)).toBe(why);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:7f00:1::', 'loopback'],
  ])('judges the IPv4 address inside %s', (address, why) => {
    expect(refusedAddress(address)).toMatch(new RegExp(`^${why} \\(IPv4`));
  });

  // L7 (issue 14): IPv6 forms that reach an IPv4 host through a translator, and prefixes that are not the
  // public internet; each was let through before.
  it.each([
    ['::ffff:0:127.0.0.1', 'loopback'], // IPv4-translated (SIIT)
    ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:0:10.1.2.3', 'private'],
    ['::ffff:0:169.254.169.254', 'link-local'],
    ['64:ff9b::127.0.0.1', 'loopback'], // NAT64 well-known prefix
    ['2002:a9fe:a9fe::1', 'link-local'], // 6to4 of 169.254.169.254
    ['::10.0.0.1', 'private'], // IPv4-compatible (deprecated)
  ])('judges the IPv4 address inside the translated form %s', (address, why) => {
    expect(refusedAddress(address)).toMatch(new RegExp(`^${why} \\(IPv4`));
  });

  it.each([
    ['64:ff9b:1::7f00:1', 'local-use NAT64'], // RFC 8215: where the IPv4 sits depends on the operator's prefix
    ['64:ff9b:1:ffff::808:808', 'local-use NAT64'],
    ['64:ff9b:0:1::1', 'NAT64 outside the well-known /96'],
    ['2001::1', 'Teredo'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo'],
    ['2001:2::1', 'benchmarking'],
    ['2001:10::1', 'ORCHID'],
    ['3fff::1', 'documentation'],
    ['5f00::1', 'not global unicast'],
    ['::1:0:0:1', 'not global unicast'],
    ['4000::1', 'not global unicast'],
  ])('refuses the non-public IPv6 address %s (%s)', (address, why) => {
    expect(refusedAddress(address)).toBe(why);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.1',
    '172.32.0.1',
    '2400:3200::1',
    '::ffff:8.8.8.8',
    '::ffff:0:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    '2408:8000::1',
  ])('allows the public address %s', (address) => {
    expect(refusedAddress(address)).toBeNull();
  });

  it('refuses what is not an address', () => {
    expect(refusedAddress('localhost')).toBe('not an IP address');
  });

  it('expands IPv6 forms', () => {
    expect(ipv6Groups('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('fe80::1:2')).toEqual([0xfe80, 0, 0, 0, 0, 0, 1, 2]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
  });
});
