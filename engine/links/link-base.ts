/**
 * Where `/l/<code>` links point: `YUTANG_LINK_BASE_URL` (a short domain of the brand's, e.g. https://s.brand.cn,
 * served by this app — it is added to the hosts the app answers to), else `YUTANG_PUBLIC_URL`, else this machine
 * (`http://localhost:<PORT>`: fine for the sandbox, useless to a member, so a real provider refuses to send it —
 * see `isLocalBase`). Read by the worker, which has no request to take a host from.
 */
export function linkBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  for (const name of ['YUTANG_LINK_BASE_URL', 'YUTANG_PUBLIC_URL'] as const) {
    const raw = env[name];
    if (!raw) continue;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(`${name}=${raw} is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new Error(`${name}=${raw} is not http(s)`);
    // a path is kept (a proxy may serve the app under one): links are <base>/l/<code>
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  }
  return `http://localhost:${Number(env.PORT ?? 3000)}`;
}

/** The host of `YUTANG_LINK_BASE_URL`, when set: the app must answer to it. */
export function linkBaseHost(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.YUTANG_LINK_BASE_URL ? new URL(linkBaseUrl(env)).hostname : null;
}

/** A base only this machine can open: links made with it reach no member's phone. */
export function isLocalBase(base: string): boolean {
  const host = new URL(base).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || host.startsWith('127.');
}

/** How long a short link redirects: `YUTANG_LINK_TTL_DAYS`, default 90 (a campaign's life and then some). */
export function linkTtlMs(env: NodeJS.ProcessEnv = process.env): number {
  const days = Number(env.YUTANG_LINK_TTL_DAYS ?? 90);
  return (Number.isFinite(days) && days > 0 ? days : 90) * 86_400_000;
}
