import { createHmac } from 'node:crypto';
import { refusedAddress } from './address-policy.js';
import { AddressRefused, type CheckedTarget, pinnedRequest, resolveChecked } from './pinned-request.js';

export interface WebhookRequest {
  url: string;
  /** the signing secret: `X-Yutang-Signature: sha256=hex(hmac(secret, "<timestamp>.<body>"))` */
  secret: string;
  body: string;
  idempotencyKey: string;
  timeoutMs: number;
  /** the workspace allows private, loopback and link-local addresses (a test or an intranet receiver) */
  allowPrivate: boolean;
  /** why an address is refused, or null (default: refusedAddress — everything but the public internet) */
  refuse?: (address: string) => string | null;
  /** seconds since epoch for the signature (default: now) */
  timestamp?: number;
}

export type WebhookOutcome =
  | { kind: 'delivered'; status: number; url: string; json: unknown; redirects: number }
  /** never worth a retry: the address is refused, the receiver answered 4xx, or redirects went wrong */
  | { kind: 'rejected'; code: string; message: string }
  /** worth a retry with back-off: a 5xx, 408/429, a timeout or a network error */
  | { kind: 'retry'; message: string };

export const MAX_REDIRECTS = 3;
const MAX_RESPONSE_BYTES = 64 * 1024;

/** The headers that sign a body, e.g. for a receiver's own tests. */
export function signatureHeaders(secret: string, body: string, timestamp: number): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { 'X-Yutang-Timestamp': String(timestamp), 'X-Yutang-Signature': `sha256=${signature}` };
}

/**
 * POST a signed JSON body. The host name is resolved here and every address it resolves to is checked; the
 * connection then goes to the checked address (a second lookup by the HTTP client could answer differently:
 * DNS rebinding). Redirects are followed by hand, at most three, each hop resolved and checked again.
 */
export async function deliverWebhook(req: WebhookRequest): Promise<WebhookOutcome> {
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { kind: 'rejected', code: 'webhook_url_invalid', message: `not a URL: ${req.url}` };
  }
  let method = 'POST';
  let body: string | null = req.body;
  const deadline = Date.now() + req.timeoutMs;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return {
        kind: 'rejected',
        code: 'webhook_url_invalid',
        message: `only http and https URLs: ${url.href}`,
      };
    }
    const target = await checkedTarget(url, req.allowPrivate ? null : (req.refuse ?? refusedAddress));
    if ('refused' in target) return target.refused;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { kind: 'retry', message: `timed out after ${req.timeoutMs} ms` };
    const headers: Record<string, string> = {
      'User-Agent': 'Yutang-Webhook/1',
      'Idempotency-Key': req.idempotencyKey,
      Accept: 'application/json',
    };
    if (body !== null) {
      Object.assign(
        headers,
        signatureHeaders(req.secret, body, req.timestamp ?? Math.floor(Date.now() / 1000)),
      );
      headers['Content-Type'] = 'application/json';
    }
    let response: { status: number; location: string | null; text: string };
    try {
      const res = await pinnedRequest(url, target, {
        method,
        headers,
        body,
        timeoutMs: remaining,
        maxBytes: MAX_RESPONSE_BYTES,
      });
      const location = res.headers.location;
      response = {
        status: res.status,
        location: typeof location === 'string' ? location : null,
        text: res.body.toString('utf8'),
      };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { kind: 'retry', message: `${url.host}: ${message}` };
    }
    const { status } = response;
    if ([301, 302, 303, 307, 308].includes(status)) {
      if (!response.location) {
        return {
          kind: 'rejected',
          code: 'webhook_redirect',
          message: `HTTP ${status} from ${url.host} without a Location`,
        };
      }
      if (hop >= MAX_REDIRECTS) {
        return {
          kind: 'rejected',
          code: 'webhook_redirect',
          message: `more than ${MAX_REDIRECTS} redirects from ${req.url}`,
        };
      }
      url = new URL(response.location, url);
      // 307/308 repeat the POST; the others turn into a GET without a body, as browsers do.
      if (status !== 307 && status !== 308) {
        method = 'GET';
        body = null;
      }
      continue;
    }
    const excerpt = response.text.slice(0, 300);
    if (status >= 200 && status < 300) {
      let json: unknown = null;
      try {
        json = response.text ? JSON.parse(response.text) : null;
      } catch {
        // a receiver may answer with any body; only a JSON one can choose an output
      }
      return { kind: 'delivered', status, url: url.href, json, redirects: hop };
    }
    if (status === 408 || status === 429 || status >= 500) {
      return { kind: 'retry', message: `HTTP ${status} from ${url.host}: ${excerpt}` };
    }
    return {
      kind: 'rejected',
      code: 'webhook_rejected',
      message: `HTTP ${status} from ${url.host}: ${excerpt}`,
    };
  }
}

type Target = CheckedTarget | { refused: WebhookOutcome };

/** The checked address of a hop, or why it cannot be called (refused for good, or a resolver error: retried). */
async function checkedTarget(url: URL, refuse: ((address: string) => string | null) | null): Promise<Target> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  try {
    return await resolveChecked(host, refuse);
  } catch (err) {
    if (err instanceof AddressRefused) {
      return {
        refused: {
          kind: 'rejected',
          code: 'webhook_address_refused',
          message: `${host} resolves to ${err.address} (${err.why}); webhooks reach public addresses only (workspace setting allowPrivateAddresses)`,
        },
      };
    }
    // an unknown name may be a DNS outage as well as a typo: retried, and the message says which host
    return { refused: { kind: 'retry', message: `cannot resolve ${host}: ${(err as Error).message}` } };
  }
}
