/**
 * Contact details as a viewer sees them: `13800000000` → `138****0000`, `xiaoming@example.com` →
 * `x***@example.com`. Applied to every JSON answer of a caller without `members.pii`, by key name, so a
 * route added later cannot forget it.
 */
const CONTACT_KEYS = new Set(['phone', 'mobile', 'email', 'to', 'toAddress', 'to_address']);

export function maskContact(value: string): string {
  const at = value.lastIndexOf('@');
  if (at > 0) return `${value[0]}***${value.slice(at)}`;
  if (value.length >= 8) return `${value.slice(0, 3)}****${value.slice(-4)}`;
  return '****';
}

/** A copy of `value` with every string under a contact key masked. */
export function maskContacts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskContacts);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = CONTACT_KEYS.has(k) && typeof v === 'string' && v ? maskContact(v) : maskContacts(v);
  }
  return out;
}
