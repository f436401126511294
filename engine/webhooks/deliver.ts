import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { refusedAddress } from './address-policy.js';

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
    const target = await resolveChecked(url, req.allowPrivate ? () => null : (req.refuse ?? refusedAddress));
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
      response = await send(url, target, { method, headers, body, timeoutMs: remaining });
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

type Target = { address: string; family: 4 | 6 } | { refused: WebhookOutcome };

async function resolveChecked(url: URL, refuse: (address: string) => string | null): Promise<Target> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (err) {
      // an unknown name may be a DNS outage as well as a typo: retried, and the message says which host
      return { refused: { kind: 'retry', message: `cannot resolve ${host}: ${(err as Error).message}` } };
    }
  }
  // Every address must be public: a name answering with one public and one private address is refused.
  for (const a of addresses) {
    const why = refuse(a.address);
    if (why) {
      return {
        refused: {
          kind: 'rejected',
          code: 'webhook_address_refused',
          message: `${host} resolves to ${a.address} (${why}); webhooks reach public addresses only (workspace setting allowPrivateWebhooks)`,
        },
      };
    }
  }
  const first = addresses[0];
  if (!first) return { refused: { kind: 'retry', message: `${host} has no address` } };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

function send(
  url: URL,
  target: { address: string; family: 4 | 6 },
  opts: { method: string; headers: Record<string, string>; body: string | null; timeoutMs: number },
): Promise<{ status: number; location: string | null; text: string }> {
  // The connection goes to the address checked above, whatever a lookup would say now; TLS still checks
  // the certificate against the host name (servername), and the Host header stays the name.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: opts.method,
        headers:
          opts.body === null
            ? opts.headers
            : { ...opts.headers, 'Content-Length': String(Buffer.byteLength(opts.body)) },
        lookup: pinned,
        agent: false,
        timeout: opts.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            location: typeof res.headers.location === 'string' ? res.headers.location : null,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      },
    );
    // `timeout` is idle time; the whole exchange (headers and body) has one deadline too.
    const timer = setTimeout(
      () => request.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    request.on('timeout', () => request.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    request.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    if (opts.body !== null) request.write(opts.body);
    request.end();
  });
}
