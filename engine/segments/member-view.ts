/** A member in an audience sample: who they are, and contacts masked when the caller may not see them. */
export function maskedMember(
  m: {
    external_id: string;
    name: string | null;
    phone: string | null;
    email: string | null;
    attributes: Record<string, unknown>;
    created_at: Date;
  },
  mask: boolean,
) {
  return {
    externalId: m.external_id,
    name: m.name,
    phone: mask ? maskPhone(m.phone) : m.phone,
    email: mask ? maskEmail(m.email) : m.email,
    attributes: m.attributes ?? {},
    createdAt: m.created_at,
  };
}

/** 13800000000 → 138****0000 */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  return phone.length <= 7 ? '*'.repeat(phone.length) : `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** xiaoming@example.com → x***@example.com */
export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const at = email.indexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}
