import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { allowsPrivateAddresses } from '../settings/private-addresses.js';
import { AddressRefused, pinnedRequest, resolveChecked } from '../webhooks/pinned-request.js';

/**
 * How channel code reaches a provider (issue 14, M1). Endpoints are workspace settings, so a provider call is an
 * outbound call like a webhook: the host is resolved and every address checked against the webhook address policy
 * (engine/webhooks/address-policy.ts) unless the workspace allows private addresses, the connection is pinned to
 * the checked address, and redirects are never followed (a provider has no reason to redirect; a 3xx comes back
 * as the answer, which channels treat as a failure). Without this, an admin could point the WeChat endpoint at
 * an internal listener and the next send would carry the stored AppSecret there.
 */
export interface ProviderNetwork {
  /** `fetch` for provider HTTP APIs, under the policy; throws AddressRefused for a refused address */
  fetch: typeof fetch;
  /** the checked address to connect to for a non-HTTP client (SMTP): connect to it, keep the name for TLS */
  resolveHost(host: string): Promise<string>;
}

/** Provider calls wait this long at most, all of the exchange (the activity around a send has 10 s). */
const TIMEOUT_MS = 8_000;
/** Provider answers are small JSON or XML documents. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export { AddressRefused };

export function providerNetwork(opts: { allowPrivate: boolean; timeoutMs?: number }): ProviderNetwork {
  const refuse = opts.allowPrivate ? null : undefined;
  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new AddressRefused(url.host, url.protocol, 'only http and https');
    const target = await resolveChecked(url.hostname, refuse);
    const res = await pinnedRequest(url, target, {
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: bodyText(init?.body),
      timeoutMs: opts.timeoutMs ?? TIMEOUT_MS,
      maxBytes: MAX_RESPONSE_BYTES,
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    // a status a Response cannot hold (1xx, 9xx) is no answer a channel understands
    if (res.status < 200 || res.status > 599) throw new Error(`HTTP ${res.status} from ${url.host}`);
    const empty = [204, 205, 304].includes(res.status);
    return new Response(empty ? null : new Uint8Array(res.body), {
      status: res.status,
      statusText: res.statusText,
      headers,
    });
  };
  return {
    fetch: guarded as typeof fetch,
    resolveHost: async (host) => (await resolveChecked(host, refuse)).address,
  };
}

/** The network of a workspace's provider calls: its private-address setting decides. */
export async function workspaceProviderNetwork(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<ProviderNetwork> {
  return providerNetwork({ allowPrivate: await allowsPrivateAddresses(db, workspaceId) });
}

function bodyText(body: RequestInit['body']): string | Buffer | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return Buffer.from(body);
  throw new Error('provider calls send text, URLSearchParams or bytes');
}
