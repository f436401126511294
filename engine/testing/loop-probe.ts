import type { Hono } from 'hono';

/**
 * How long a health check waits at worst while `busy` runs: asked every few ms, each answer timed from the
 * moment it was due, so a blocked event loop (which cannot even start the request) shows as the wait.
 * A check that the loop stays free for other callers, not a benchmark.
 */
export async function worstHealthWait(app: Hono, busy: Promise<unknown>): Promise<number> {
  let over = false;
  busy.then(
    () => {
      over = true;
    },
    () => {
      over = true;
    },
  );
  let worst = 0;
  while (!over) {
    const due = performance.now();
    await new Promise((r) => setTimeout(r, 5));
    const res = await app.request('/api/health');
    if (res.status !== 200) throw new Error(`health answered ${res.status}`);
    worst = Math.max(worst, performance.now() - due);
  }
  return worst;
}
