import type { SendFailure } from './define-channel.js';

/**
 * access_token for WeCom (`/cgi-bin/gettoken`) and WeChat official accounts (`/cgi-bin/token`): fetched once and
 * kept until shortly before `expires_in`, per account — both platforms limit how often a token may be fetched.
 * A send answered 40001/40014/42001 (token invalid or expired) drops it and fetches a fresh one, once.
 */
const cache = new Map<string, { token: string; until: number }>();

export const TOKEN_INVALID = new Set([40001, 40014, 42001]);
/** 45009: daily/minute API quota reached; 45033: too many concurrent calls; 45011: frequency limit */
export const RATE_LIMITED = new Set([45009, 45011, 45033]);

export interface WeixinAnswer {
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

export async function accessToken(
  fetcher: typeof fetch,
  url: string,
  now: () => Date,
): Promise<{ token: string } | { failure: SendFailure }> {
  const hit = cache.get(url);
  if (hit && hit.until > now().getTime()) return { token: hit.token };
  const res = await fetcher(url);
  const answer = (await res
    .json()
    .catch(() => ({ errcode: res.status, errmsg: res.statusText }))) as WeixinAnswer;
  if (typeof answer.access_token !== 'string') {
    // a wrong corpid/appid or secret is permanent; the platform being busy is not
    return { failure: classifyWeixin(answer, true) };
  }
  const seconds = typeof answer.expires_in === 'number' ? answer.expires_in : 7200;
  cache.set(url, { token: answer.access_token, until: now().getTime() + (seconds - 300) * 1000 });
  return { token: answer.access_token };
}

export function dropToken(url: string): void {
  cache.delete(url);
}

/** Classify an error answer of either platform. */
export function classifyWeixin(answer: WeixinAnswer, fetchingToken = false): SendFailure {
  const code = Number(answer.errcode ?? -1);
  const message = `${code}: ${answer.errmsg ?? 'no errmsg'}`;
  if (RATE_LIMITED.has(code))
    return { kind: 'rate_limited', message, code: String(code), retryAfterMs: 60_000 };
  if (code === -1) return { kind: 'transient', message, code: String(code) };
  if (TOKEN_INVALID.has(code) && !fetchingToken) return { kind: 'transient', message, code: String(code) };
  return { kind: 'permanent', message, code: String(code) };
}

/**
 * POST JSON with the account's token; a token the platform calls invalid is fetched again once.
 * Returns the platform's answer (errcode 0) or a classified failure.
 */
export async function postWithToken(
  fetcher: typeof fetch,
  tokenUrl: string,
  now: () => Date,
  url: (token: string) => string,
  body: unknown,
): Promise<{ answer: WeixinAnswer } | { failure: SendFailure }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const t = await accessToken(fetcher, tokenUrl, now);
    if ('failure' in t) return t;
    const res = await fetcher(url(t.token), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res
      .json()
      .catch(() => ({ errcode: -1, errmsg: `HTTP ${res.status}` }))) as WeixinAnswer;
    if (!answer.errcode) return { answer };
    if (TOKEN_INVALID.has(Number(answer.errcode)) && attempt === 0) {
      dropToken(tokenUrl);
      continue;
    }
    return { failure: classifyWeixin(answer) };
  }
  return { failure: { kind: 'transient', message: 'access_token refused twice' } };
}
