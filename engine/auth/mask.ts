/**
 * Personal data as a viewer sees it. Applied to every JSON answer of a caller without `members.pii`, by key
 * name, so a route added later cannot forget it; and to the member a message preview renders.
 *
 * Contact details keep enough to tell members apart: `13800000000` → `138****0000`, `xiaoming@example.com`
 * → `x***@example.com`. Other personal data (addresses, ID numbers, WeChat ids, and the attributes a
 * workspace marks as personal in its settings) is hidden whole: `****`.
 *
 * Keys are compared without case, `_`, `-`, `.` or spaces (`Phone`, `phone_number`, `e-mail`), because
 * member attributes are named by whoever imports them.
 */

/** Normalised keys of contact details, always masked. `tel` and `mail` only whole (`hotel`, `gmail_ok`). */
const CONTACT_KEYS = new Set([
  'phone',
  'mobile',
  'tel',
  'telephone',
  'cellphone',
  'phonenumber',
  'phoneno',
  'mobilenumber',
  'mobileno',
  'telno',
  'email',
  'mail',
  'emailaddress',
  'mailaddress',
  'to',
  'toaddress',
]);
/** Contact keys by ending: `home_phone`, `mobilePhone`, `work_email`, `contact_mobile`. */
const CONTACT_ENDINGS = ['phone', 'mobile', 'email'];
/** Normalised keys of other personal data, always masked whole. */
const PERSONAL_KEYS = new Set([
  'wechat',
  'wechatid',
  'weixin',
  'wxid',
  'idcard',
  'idcardno',
  'idnumber',
  'idno',
  'passport',
  'passportno',
  'address',
]);
/** Personal keys by ending: `shipping_address`, `homeAddress`, `owner_id_card`. */
const PERSONAL_ENDINGS = ['address', 'idcard'];

/** `Phone_Number` → `phonenumber`: how keys are compared. */
export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[\s_.-]+/g, '');
}

type Kind = 'contact' | 'personal' | null;

function keyKind(key: string, marked: ReadonlySet<string>): Kind {
  const k = normalizeKey(key);
  if (CONTACT_KEYS.has(k) || CONTACT_ENDINGS.some((e) => k.endsWith(e))) return 'contact';
  if (PERSONAL_KEYS.has(k) || PERSONAL_ENDINGS.some((e) => k.endsWith(e)) || marked.has(k)) return 'personal';
  return null;
}

export function maskContact(value: string): string {
  const at = value.lastIndexOf('@');
  if (at > 0) return `${value[0]}***${value.slice(at)}`;
  if (value.length >= 8) return `${value.slice(0, 3)}****${value.slice(-4)}`;
  return '****';
}

/** Every string or number under a personal key, however deep (an address object, a list of phones). */
function maskAll(value: unknown, kind: 'contact' | 'personal'): unknown {
  if (Array.isArray(value)) return value.map((v) => maskAll(v, kind));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskAll(v, kind)]));
  // a phone stored as a number is a phone
  if ((typeof value === 'string' && value) || typeof value === 'number')
    return kind === 'contact' ? maskContact(String(value)) : '****';
  // null, '', true/false (`phone_verified`) say nothing personal
  return value;
}

/**
 * A copy of `value` with everything under a contact or personal key masked. `personalAttributes` are the
 * keys the workspace marks as personal (its settings), in any case.
 */
export function maskContacts(value: unknown, personalAttributes: readonly string[] = []): unknown {
  const marked = new Set(personalAttributes.map(normalizeKey));
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      const kind = keyKind(k, marked);
      out[k] = kind ? maskAll(child, kind) : walk(child);
    }
    return out;
  };
  return walk(value);
}
