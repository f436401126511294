import { isIP } from 'node:net';

/**
 * Which addresses a webhook may reach. Everything that is not the public internet is refused: a journey
 * author must not be able to make the worker call the metadata service (169.254.169.254), the database,
 * or anything else on the private network (SSRF). Addresses that embed an IPv4 address (IPv4-mapped,
 * IPv4-translated, IPv4-compatible, NAT64 64:ff9b::/96, 6to4) are judged by the IPv4 address inside; IPv6
 * addresses outside global unicast (2000::/3), and special prefixes inside it (Teredo, local-use NAT64,
 * documentation, benchmarking) are refused. Channel endpoints and SMTP hosts follow the same policy.
 */
const V4_BLOCKED: [string, number, string][] = [
  ['0.0.0.0', 8, '"this network"'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** Checked in order (the first match names the reason); anything left outside 2000::/3 is refused after them. */
const V6_BLOCKED: [string, number, string][] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard'],
  // RFC 8215 local-use NAT64: the operator picks the prefix length, so where the IPv4 address sits cannot be
  // known from the address alone — refused whole (the well-known 64:ff9b::/96 is judged by its IPv4 address)
  ['64:ff9b:1::', 48, 'local-use NAT64'],
  ['64:ff9b::', 32, 'NAT64 outside the well-known /96'],
  // Teredo carries the client's IPv4 address obfuscated and reaches it through a relay: refused whole
  ['2001::', 32, 'Teredo'],
  ['2001:2::', 48, 'benchmarking'],
  ['2001:10::', 28, 'ORCHID'],
  ['2001:20::', 28, 'ORCHID'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];
/** Global unicast: the only IPv6 space that is the public internet (the rest is reserved or special). */
const V6_GLOBAL: [string, number] = ['2000::', 3];

function v4ToInt(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** An IPv6 address as eight 16-bit groups (`::` expanded, a trailing dotted IPv4 turned into two groups). */
export function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const n = v4ToInt(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === null ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((g) => Number.parseInt(g, 16));
}

function v6Matches(groups: number[], base: string, prefix: number): boolean {
  const b = ipv6Groups(base);
  for (let bit = 0; bit < prefix; bit += 16) {
    const take = Math.min(16, prefix - bit);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((groups[bit / 16] & mask) !== (b[bit / 16] & mask)) return false;
  }
  return true;
}

/** The IPv4 address an IPv6 address carries, for the forms that reach IPv4 hosts. */
function embeddedV4(groups: number[]): string | null {
  const v4 = (hi: number, lo: number) => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  const zero = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6], groups[7]); // ::ffff:a.b.c.d (mapped)
  // ::ffff:0:a.b.c.d (IPv4-translated, SIIT, RFC 2765): a translator turns it into a.b.c.d
  if (zero(0, 4) && groups[4] === 0xffff && groups[5] === 0) return v4(groups[6], groups[7]);
  if (zero(0, 6) && (groups[6] !== 0 || groups[7] > 1)) return v4(groups[6], groups[7]); // ::a.b.c.d
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6], groups[7]); // NAT64 /96
  if (groups[0] === 0x2002) return v4(groups[1], groups[2]); // 6to4
  return null;
}

/** Why this address may not be called (`loopback`, `private`…), or null for a public address. */
export function refusedAddress(address: string): string | null {
  const family = isIP(address);
  if (family === 4) {
    const n = v4ToInt(address);
    for (const [base, prefix, why] of V4_BLOCKED) {
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      if ((n & mask) >>> 0 === (v4ToInt(base) & mask) >>> 0) return why;
    }
    if (address === '255.255.255.255') return 'broadcast';
    return null;
  }
  if (family === 6) {
    const groups = ipv6Groups(address);
    const inner = embeddedV4(groups);
    if (inner) {
      const why = refusedAddress(inner);
      return why ? `${why} (IPv4 ${inner} inside an IPv6 address)` : null;
    }
    for (const [base, prefix, why] of V6_BLOCKED) if (v6Matches(groups, base, prefix)) return why;
    if (!v6Matches(groups, ...V6_GLOBAL)) return 'not global unicast';
    return null;
  }
  return 'not an IP address';
}
