/**
 * What one search box means (issue 19): the ways a typed text can name a member, decided from its shape
 * alone so the search is one round of index lookups, never a scan.
 *
 * - `external_id`: the brand's member id, without case (`M_1001` finds `m_1001`); always tried.
 * - `phone`: seven or more digits (spaces, dashes, brackets and a leading `+86` / `86` allowed) — the whole
 *   number, compared as digits, so `138 0013 8000` finds `+86-13800138000`.
 * - `phone_last4`: exactly four digits — the last four of the phone, as a caller on the line gives them.
 * - `name`: anything that is not only digits — a prefix of the name, without case, Chinese included (`王`
 *   finds 王小明).
 * - `wechat_openid` / `wecom_external_userid`: an id-shaped text (letters, digits, `_`, `-`, 6 or more) —
 *   the member attributes the WeChat and WeCom channels address (engine/channels/wechat.channel.ts,
 *   wecom.channel.ts).
 */
export type SearchKind =
  | 'external_id'
  | 'phone'
  | 'phone_last4'
  | 'name'
  | 'wechat_openid'
  | 'wecom_external_userid';

export interface SearchPlan {
  /** the text as searched (trimmed) */
  text: string;
  kinds: SearchKind[];
  /** phone digits to compare, without a country prefix (for `phone`), or the last four (for `phone_last4`) */
  digits: string | null;
}

const PHONE_SHAPED = /^\+?[\d\s\-()]+$/;
const ID_SHAPED = /^[A-Za-z0-9_-]{6,}$/;

export function searchPlan(input: string): SearchPlan {
  const text = input.trim();
  const kinds: SearchKind[] = ['external_id'];
  let digits: string | null = null;
  if (PHONE_SHAPED.test(text)) {
    let d = text.replace(/\D/g, '');
    if (d.length === 4) {
      kinds.push('phone_last4');
      digits = d;
    } else if (d.length >= 7) {
      // mainland numbers are stored with or without the country code: compare without it
      if (d.length === 13 && d.startsWith('86')) d = d.slice(2);
      kinds.push('phone');
      digits = d;
    }
  } else {
    kinds.push('name');
  }
  if (ID_SHAPED.test(text)) kinds.push('wechat_openid', 'wecom_external_userid');
  return { text, kinds, digits };
}

/** `like` pattern of a prefix: `%`, `_` and `\` in the text are literal. */
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}
