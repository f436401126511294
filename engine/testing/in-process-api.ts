import { Hono } from 'hono';
import { createApi } from '../api/app.js';
import { type AuthConfig, authConfigFromEnv } from '../auth/auth-config.js';
import type { Stack } from './stack.js';

const ORIGIN = 'http://localhost';

export type InProcessCall = (
  method: string,
  path: string,
  opts?: { body?: unknown; headers?: Record<string, string>; base?: string },
) => Promise<{ res: Response; status: number; body: any }>;

/**
 * The API as the app mounts it, on the stack's database, with auth settings of the test's own — called as our
 * own pages call it (JSON, same Origin). `base` changes the address the request is made to (HTTPS, another host).
 */
export function apiWith(stack: Stack, overrides: Partial<AuthConfig> = {}): InProcessCall {
  const temporal = { client: stack.client, taskQueue: stack.taskQueue, namespace: 'default', uiUrl: null };
  const auth = { ...authConfigFromEnv(), ...overrides };
  const app = new Hono().route('/api', createApi({ db: stack.db, registry: stack.registry, temporal, auth }));
  return async (method, path, opts = {}) => {
    const res = await app.request(`${opts.base ?? ORIGIN}/api${path}`, {
      method,
      headers: { 'content-type': 'application/json', origin: opts.base ?? ORIGIN, ...opts.headers },
      body:
        opts.body === undefined
          ? undefined
          : typeof opts.body === 'string'
            ? opts.body
            : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { res, status: res.status, body: text ? JSON.parse(text) : null };
  };
}

/** The session token in a response's Set-Cookie (either cookie name), or null. */
export function sessionTokenOf(res: Response): string | null {
  const cookie = res.headers.getSetCookie().find((c) => /yutang_session=/.test(c));
  const value = cookie?.match(/yutang_session=([^;]*)/)?.[1];
  return value || null;
}
