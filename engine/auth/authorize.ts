import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError } from '../api/app-error.js';
import type { AppEnv } from '../api/deps.js';
import { findRouteDoc, type RouteDoc } from '../api/openapi.js';
import { loadPersonalAttributes } from '../settings/workspace-settings.js';
import { AuditRecord, writeAudit } from './audit.js';
import type { AuthConfig } from './auth-config.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { forwarded } from './forwarded.js';
import { keyPrincipal } from './keys.repository.js';
import { maskContacts } from './mask.js';
import type { Principal } from './principal.js';
import { hitRateLimit } from './rate-limit.js';
import { isHttps, readSessionCookie, sessionPrincipal } from './sessions.js';
import { anyUserExists } from './users.repository.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The route a request matched, as its `documented` entry says; `undeclared` is a bug the tests catch. */
type Matched = { kind: 'declared'; doc: RouteDoc } | { kind: 'undeclared'; route: string } | { kind: 'none' };

function matchedRoute(c: Context): Matched {
  // Middleware (`use`) and the catch-all are registered for ALL methods; a route answers one method.
  const route = matchedRoutes(c).find((r) => r.method !== 'ALL');
  if (!route) return { kind: 'none' };
  const doc = findRouteDoc(c.req.method, route.path);
  return doc ? { kind: 'declared', doc } : { kind: 'undeclared', route: `${route.method} ${route.path}` };
}

/** The values of `:name` segments of the route's pattern in this request's path. */
export function routeParams(pattern: string, path: string): Record<string, string> {
  const want = pattern.replace(/^\/api(?=\/)/, '').split('/');
  const got = path.replace(/^\/api(?=\/)/, '').split('/');
  const out: Record<string, string> = {};
  want.forEach((segment, i) => {
    if (!segment.startsWith(':') || got[i] === undefined) return;
    try {
      out[segment.slice(1)] = decodeURIComponent(got[i]);
    } catch {
      out[segment.slice(1)] = got[i];
    }
  });
  return out;
}

/** What an audit row names by default: the route's `:id` (of the kind its action names) or member id. */
function defaultTarget(doc: RouteDoc, path: string): { type: string; id: string } | null {
  const params = routeParams(doc.path, path);
  const kind = typeof doc.audit === 'string' ? doc.audit.split('.')[0] : 'object';
  if (params.id) return { type: kind, id: params.id.slice(0, 200) };
  if (params.externalId) return { type: 'member', id: params.externalId.slice(0, 200) };
  return null;
}

/**
 * The API key a route accepts: `Authorization: Bearer`, or for foreign SDKs (the route's `keyFrom`) the
 * username of Basic auth or `?token=`. null: no credentials of any kind; '' : credentials that are no key.
 */
export function requestKey(c: Context, doc: RouteDoc | null): string | null {
  const header = c.req.header('authorization');
  if (header && doc?.keyFrom?.includes('basic') && /^Basic\s/i.test(header)) {
    let decoded = '';
    try {
      decoded = Buffer.from(header.replace(/^Basic\s+/i, '').trim(), 'base64').toString('utf8');
    } catch {
      return '';
    }
    // Segment sends `<write key>:` (no password)
    return decoded.split(':')[0].trim();
  }
  if (!header && doc?.keyFrom?.includes('query')) {
    const token = c.req.query('token');
    if (token !== undefined) return token.trim();
  }
  return bearerToken(c);
}

export function bearerToken(c: Context): string | null {
  const header = c.req.header('authorization');
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : '';
}

/**
 * The caller's address: the socket's, or behind `YUTANG_TRUST_PROXY` proxies the address the outermost of
 * them saw (counted from the right of X-Forwarded-For: the hops left of it are the client's to write).
 */
export function clientIp(c: Context, config: AuthConfig): string | null {
  const proxied = forwarded(c, config, 'for');
  if (proxied) return proxied.slice(0, 64);
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // not served by node (in-process test requests)
  }
}

function ownOrigin(c: Context, config: AuthConfig): string {
  if (config.publicUrl) return config.publicUrl;
  const host = forwarded(c, config, 'host') || new URL(c.req.url).host;
  return `${isHttps(c, config) ? 'https' : 'http'}://${host}`;
}

/**
 * A request that changes something and is not signed with an API key (so a browser may have attached
 * the session cookie by itself) must come from our own pages: the browser says so in Sec-Fetch-Site or,
 * failing that, in Origin. A form on another site gets 403.
 */
function requireSameOrigin(c: Context, config: AuthConfig): void {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  let problem: string | null = null;
  if (site && site !== 'same-origin') problem = `a ${site} request`;
  else if (origin && origin !== ownOrigin(c, config)) problem = `a request from ${origin.slice(0, 100)}`;
  else if (!site && !origin) problem = 'a request without Origin';
  if (problem) {
    throw new AppError(
      'forbidden',
      `${problem} cannot change anything with a session cookie: use the app itself, or an API key`,
    );
  }
}

/**
 * JSON bodies only: a `text/plain` or form body is refused before anyone parses it. A POST without an
 * API key must say `application/json` even when empty — that is what a cross-site form cannot send
 * without a CORS preflight.
 */
function requireJson(c: Context, cookieAuth: boolean): void {
  const type = c.req.header('content-type');
  const json = !!type && /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type.trim());
  if (json) return;
  const hasBody = c.req.raw.body !== null;
  if (type || hasBody || (cookieAuth && c.req.method === 'POST')) {
    throw new AppError('unsupported_media_type', 'send JSON with content-type: application/json', {
      field: 'content-type',
    });
  }
}

export interface AuthDeps {
  db: Kysely<Database>;
  config: AuthConfig;
}

/**
 * Who is asking, and may they? Runs before every route of the API:
 * 1. finds the route's `documented` entry (a route without one is refused: 500, and the tests fail);
 * 2. a change that a browser could send by itself (with the session cookie, or to sign-in and first start)
 *    must be same-origin (403);
 * 3. until the first administrator exists, only `public` routes answer (`setup_required`);
 * 4. the caller is the API key of `Authorization: Bearer` or the session of the cookie (401 if neither);
 *    a change must then be JSON (415);
 * 5. the workspace is the key's or the session's — never a header — and the route's permission must be
 *    among the role's or the scopes' (403, recorded in the audit log for changes);
 * 6. ingest routes count against the key's rate, previews and simulations against the caller's preview
 *    rate, and those run only so many at once (429 with Retry-After);
 * 7. routes with an `audit` action get their record (`audit(c)`), written whatever the outcome;
 * 8. callers without `members.pii` get personal data masked in every JSON answer: contact and identity keys
 *    under any spelling, and the attributes the workspace marks as personal.
 */
export function authorize({ db, config }: AuthDeps): MiddlewareHandler<AppEnv> {
  let setupDone = false;
  // previews hold a database connection: counted per workspace, which shares the pool's share of them;
  // simulations hold the CPU: counted per caller
  const running = {
    preview: new ConcurrencyLimit(config.previewConcurrency),
    simulation: new ConcurrencyLimit(config.simulationConcurrency),
  };

  return async (c, next) => {
    const matched = matchedRoute(c);
    if (matched.kind === 'undeclared') {
      throw new Error(`route ${matched.route} has no documented({ permission }) entry: refused`);
    }
    const doc = matched.kind === 'declared' ? matched.doc : null;
    const access = doc?.permission ?? 'any';

    const bearer = requestKey(c, doc);
    const changes = !SAFE_METHODS.has(c.req.method);
    const cookie = bearer === null ? readSessionCookie(c) : undefined;
    // Whatever a browser may send by itself (a cookie; or, for sign-in and first start, nothing) must
    // come from our own pages. An API key is never attached by a browser on its own.
    if (changes && bearer === null && (cookie || access === 'public')) requireSameOrigin(c, config);

    if (access !== 'public' && !setupDone) {
      setupDone = await anyUserExists(db);
      if (!setupDone) {
        throw new AppError(
          'setup_required',
          'Yutang has no administrator yet: create one in the web UI, or start it with YUTANG_ADMIN_EMAIL and YUTANG_ADMIN_PASSWORD',
        );
      }
    }

    let principal: Principal | null = null;
    if (bearer !== null) {
      principal = bearer ? await keyPrincipal(db, bearer) : null;
      // A wrong key is an error even where none is needed: the caller meant to be someone.
      if (!principal && access !== 'public')
        throw new AppError('unauthenticated', 'the API key is not valid (unknown or revoked)');
    } else if (cookie) {
      principal = await sessionPrincipal(db, config, cookie);
    }
    if (principal) c.set('principal', principal);

    if (access !== 'public' && !principal)
      throw new AppError('unauthenticated', 'sign in, or send an API key as Authorization: Bearer');
    // a foreign SDK's form body is read (and its type checked) by its route
    if (changes && !(doc?.bodyFormat === 'form' && bearer !== null)) requireJson(c, bearer === null);

    if (access !== 'public' && principal) {
      if (access === 'signed_in') {
        if (principal.kind !== 'user')
          throw new AppError('forbidden', 'this is for signed-in users, not API keys', {
            permission: access,
          });
      } else if (access !== 'any') {
        if (!principal.workspaceId)
          throw new AppError('forbidden', 'you belong to no workspace; ask an administrator to invite you', {
            permission: access,
          });
        c.set('workspaceId', principal.workspaceId);
        if (!principal.permissions.has(access)) {
          if (doc && typeof doc.audit === 'string') {
            await writeAudit(db, {
              workspaceId: principal.workspaceId,
              principal,
              action: doc.audit,
              target: defaultTarget(doc, c.req.path),
              outcome: 'denied',
              requestId: c.get('reqId'),
              detail: { permission: access },
            });
          }
          throw new AppError('forbidden', `your role or key may not do this (needs ${access})`, {
            permission: access,
          });
        }
      }
    }

    if (doc?.rateLimit === 'ingest' && principal?.kind === 'key') {
      const limit = await hitRateLimit(db, `ingest:${principal.keyId}`, config.ingest);
      if (!limit.allowed) {
        throw new AppError(
          'rate_limited',
          `this key sent more than ${config.ingest.max} requests in ${config.ingest.windowMs / 1000} s; try again in ${limit.retryAfterS} s`,
          { retryAfter: limit.retryAfterS },
        );
      }
    }

    // Taken before the rate is counted: a call turned away at the door costs neither a database round trip
    // nor a place in the caller's rate.
    const release = doc?.concurrency && principal ? enter(doc.concurrency, principal, c) : null;
    try {
      if (doc?.rateLimit === 'preview' && principal) {
        const limit = await hitRateLimit(db, `preview:${callerKey(principal)}`, config.preview);
        if (!limit.allowed) {
          throw new AppError(
            'rate_limited',
            `more than ${config.preview.max} previews and simulations in ${config.preview.windowMs / 1000} s; try again in ${limit.retryAfterS} s`,
            { retryAfter: limit.retryAfterS },
          );
        }
      }

      const record =
        doc && typeof doc.audit === 'string'
          ? new AuditRecord(c, db, doc.audit, defaultTarget(doc, c.req.path))
          : null;
      if (record) c.set('audit', record);
      await next();
      if (record) await record.finish(c.res.status, c.get('errorCode'));
    } finally {
      release?.();
    }

    if (principal?.workspaceId && !principal.permissions.has('members.pii'))
      await maskResponse(c, db, principal.workspaceId);
  };

  /** A slot among the calls of this kind running now, or 429 `too_many_at_once`. */
  function enter(kind: 'preview' | 'simulation', principal: Principal, c: Context): () => void {
    const limit = running[kind];
    const release =
      kind === 'preview'
        ? limit.tryAcquire(`workspace:${c.get('workspaceId')}`)
        : limit.tryAcquire(callerKey(principal));
    if (release) return release;
    throw new AppError(
      'too_many_at_once',
      kind === 'preview'
        ? `this workspace is already counting ${limit.max} audience previews; try again in a moment`
        : `you are already running ${limit.max} simulations; try again when one has finished`,
      { retryAfter: 1 },
    );
  }
}

/** Whose rate and whose simulations: a user across their sessions, or an API key. */
function callerKey(principal: Principal): string {
  return principal.kind === 'user' ? `user:${principal.userId}` : `key:${principal.keyId}`;
}

async function maskResponse(c: Context, db: Kysely<Database>, workspaceId: string): Promise<void> {
  if (!c.res.headers.get('content-type')?.includes('application/json')) return;
  const text = await c.res.clone().text();
  if (!text) return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return;
  }
  const headers = new Headers(c.res.headers);
  headers.delete('content-length');
  // read on every answer, not cached: marking an attribute personal holds at once, in every API process
  const personal = await loadPersonalAttributes(db, workspaceId);
  c.res = new Response(JSON.stringify(maskContacts(body, personal)), { status: c.res.status, headers });
  // Hono's setter copies the old response's headers onto the new one
  c.res.headers.delete('content-length');
}

/**
 * Fails at start-up when a route has no `documented({ permission })` entry: a route cannot ship without
 * saying who may call it.
 */
export function assertEveryRouteDeclared(routes: readonly { method: string; path: string }[]): void {
  const missing = routes
    .filter((r) => r.method !== 'ALL' && !findRouteDoc(r.method, r.path))
    .map((r) => `${r.method} ${r.path}`);
  if (missing.length) {
    throw new Error(
      `routes without a documented({ permission }) entry (engine/api/openapi.ts): ${[...new Set(missing)].join(', ')}`,
    );
  }
}
