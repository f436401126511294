import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { refusedAddress } from './address-policy.js';

/**
 * One outbound HTTP exchange under the address policy: the host name is resolved here, every address it resolves
 * to is checked, and the connection goes to the checked address (a second lookup by the HTTP client could answer
 * differently: DNS rebinding). Redirects are never followed here: the caller gets the 3xx and decides. Webhooks
 * (deliver.ts) and channel providers (engine/channels/provider-fetch.ts) both go through it.
 */

/** An address the policy refuses: nothing was sent, and sending again will not change that. */
export class AddressRefused extends Error {
  readonly code = 'address_refused';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly why: string,
  ) {
    super(
      `${host} resolves to ${address} (${why}); only public addresses are called unless the workspace allows private ones (settings: allowPrivateAddresses)`,
    );
    this.name = 'AddressRefused';
  }
}

export interface CheckedTarget {
  address: string;
  family: 4 | 6;
}

/**
 * The address to connect to for `host`, every address of it checked with `refuse` (default: the policy).
 * Throws AddressRefused, or the resolver's error (`ENOTFOUND`, `EAI_AGAIN`: nothing was sent).
 */
export async function resolveChecked(
  host: string,
  refuse: ((address: string) => string | null) | null = refusedAddress,
): Promise<CheckedTarget> {
  const name = host.replace(/^\[|\]$/g, '');
  const addresses = isIP(name)
    ? [{ address: name, family: isIP(name) }]
    : await lookup(name, { all: true, verbatim: true });
  // Every address must pass: a name answering with one public and one private address is refused.
  if (refuse)
    for (const a of addresses) {
      const why = refuse(a.address);
      if (why) throw new AddressRefused(name, a.address, why);
    }
  const first = addresses[0];
  if (!first) throw Object.assign(new Error(`${name} has no address`), { code: 'ENOTFOUND' });
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

export interface PinnedResponse {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Send one request to `target` (the checked address) for `url`. TLS still checks the certificate against the
 * host name (servername) and the Host header stays the name. A response body past `maxBytes` is cut there.
 * An error raised before the connection was made carries `connected: false`: nothing reached the server.
 */
export function pinnedRequest(
  url: URL,
  target: CheckedTarget,
  opts: {
    method: string;
    headers: Record<string, string>;
    body: string | Buffer | null;
    timeoutMs: number;
    maxBytes: number;
  },
): Promise<PinnedResponse> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let connected = false;
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(Object.assign(err, { connected }));
    };
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
          if (size <= opts.maxBytes) chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
        res.on('error', fail);
      },
    );
    request.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else
        socket.once('connect', () => {
          connected = true;
        });
    });
    // `timeout` is idle time; the whole exchange (headers and body) has one deadline too.
    const timedOut = () =>
      request.destroy(
        Object.assign(new Error(`timed out after ${opts.timeoutMs} ms`), {
          code: connected ? 'ETIMEDOUT' : 'ECONNECT_TIMEOUT',
        }),
      );
    const timer = setTimeout(timedOut, opts.timeoutMs);
    request.on('timeout', timedOut);
    request.on('error', fail);
    if (opts.body !== null) request.write(opts.body);
    request.end();
  });
}
