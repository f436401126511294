import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import type { AuthConfig } from '../auth/auth-config.js';
import { forwarded } from '../auth/forwarded.js';
import { logger } from '../infra/logger.js';

const log = logger.child({ component: 'http' });

type HostConfig = Pick<AuthConfig, 'allowedHosts' | 'publicUrl' | 'trustProxy'>;

/** `Yutang.Example.com.` → `yutang.example.com`, `[::1]` → `::1`: how host names are compared. */
function bareHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

/**
 * Whether the app answers to `hostname` (no port). Always: IP addresses — a page can only reach us by an
 * address if its own origin is that address, so there is no name to rebind (the LAN or container address
 * a health check uses) — and `localhost`. Besides: the host of `YUTANG_PUBLIC_URL` and `YUTANG_ALLOWED_HOSTS`
 * (`*.example.com` for any subdomain, not example.com itself; `*` for any name).
 */
export function hostAllowed(hostname: string, config: HostConfig): boolean {
  const host = bareHost(hostname);
  if (!host) return false;
  if (isIP(host) || host === 'localhost') return true;
  if (config.publicUrl && bareHost(new URL(config.publicUrl).hostname) === host) return true;
  return config.allowedHosts.some(
    (allowed) =>
      allowed === '*' ||
      allowed === host ||
      (allowed.startsWith('*.') && host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1),
  );
}

const HOST_VALUE = /^(?:[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/** The host name in a `Host`-style value (`name:port`, `[v6]:port`), or null when it is anything else. */
function hostnameOf(value: string): string | null {
  if (!HOST_VALUE.test(value)) return null;
  try {
    return new URL(`http://${value}`).hostname;
  } catch {
    return null;
  }
}

/**
 * DNS rebinding: a page on the attacker's name, once that name resolves to this server, is same-origin with
 * it in the browser's eyes and could read answers and make the first administrator. The browser still sends
 * the attacker's name as Host, so a request for a name we do not serve gets `421 Misdirected Request`
 * before any route runs. Behind trusted proxies the name the browser used (X-Forwarded-Host) must be
 * served as well — a page may write that header itself.
 */
export function hostCheck(config: HostConfig): MiddlewareHandler {
  return async (c, next) => {
    const names = [new URL(c.req.url).hostname];
    const proxied = forwarded(c, config, 'host');
    if (proxied !== null) names.push(hostnameOf(proxied) ?? '');
    const refused = names.find((name) => !hostAllowed(name, config));
    if (refused !== undefined) {
      log.warn(
        { host: refused.slice(0, 200), path: c.req.path.slice(0, 200) },
        'refused a request for a host this server does not serve (421); add it to YUTANG_ALLOWED_HOSTS if it is ours',
      );
      return c.text('Misdirected Request: this server does not answer to that host name.\n', 421);
    }
    await next();
  };
}
