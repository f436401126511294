import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * The headers every answer carries, the web UI's and the API's alike. The built UI (Vite) loads one script
 * and one stylesheet from /assets and runs no inline script, so scripts come from us only; Ant Design and
 * React Flow set styles inline (style attributes and injected <style>), hence 'unsafe-inline' for styles
 * only. No page of ours is meant to be framed (clickjacking), sniffed into another type, or to leak its
 * URL (run and member ids) as a referrer. HSTS is left to the TLS proxy: over plain HTTP it means nothing,
 * and only the proxy knows whether every subdomain speaks HTTPS.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: false,
  });
}

/**
 * API answers are never stored by a browser or a proxy: some carry secrets shown once (a new API key, an
 * invitation link) or a session's details, and the rest are live data a cache would only make stale.
 */
export function noStore(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  };
}
