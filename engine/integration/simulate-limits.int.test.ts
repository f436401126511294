import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { fixtureSession } from '../testing/credentials.js';
import { edge, node } from '../testing/documents.js';
import { worstHealthWait } from '../testing/loop-probe.js';
import { type Stack, startStack } from '../testing/stack.js';

/**
 * Security review M4 (issue 14): a viewer could freeze the API process with the simulator — a loop of 495
 * nodes over ten years was seconds of synchronous work per call, and a few in parallel stalled every other
 * request, health included. A simulation is now bounded in steps and wall time (422 simulation_too_long),
 * yields to the event loop as it goes, and runs at most two at once per caller (429).
 */
describe('the simulator cannot freeze the server (M4)', () => {
  let stack: Stack;
  let viewer: Record<string, string>;
  let bigLoop: string;
  let dailyLoop: string;

  /** trigger → n tag nodes → wait a day → back to the first tag node: n + 1 steps a simulated day */
  const loop = (n: number): JourneyDocument => {
    const nodes = [node('t', 'trigger.event', { event: 'loop' })];
    const edges = [edge('t', 'n0')];
    for (let i = 0; i < n; i++) {
      nodes.push(node(`n${i}`, 'tag', { add: [`tag${i % 7}`] }));
      if (i) edges.push(edge(`n${i - 1}`, `n${i}`));
    }
    nodes.push(node('w', 'wait.duration', { amount: 1, unit: 'days' }));
    edges.push(edge(`n${n - 1}`, 'w'), edge('w', 'n0'));
    return { nodes, edges };
  };

  beforeAll(async () => {
    stack = await startStack({ worker: false });
    viewer = (await fixtureSession(stack.db, stack.workspaceId, 'viewer')).headers;
    bigLoop = (await stack.ok('POST', '/journeys', { name: 'big loop', document: loop(493) })).id;
    dailyLoop = (await stack.ok('POST', '/journeys', { name: 'daily loop', document: loop(2) })).id;
  });
  afterAll(() => stack?.stop());

  const simulate = async (headers: Record<string, string>, journeyId: string, body: unknown) => {
    const res = await stack.app.request(`/api/journeys/${journeyId}/simulate`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: await res.json() };
  };

  it('keeps /api/health answering while six heavy simulations run; they get 422 or 429', async () => {
    const heavy = Promise.all(
      Array.from({ length: 6 }, () => simulate(viewer, bigLoop, { horizonDays: 3660 })),
    );
    const worst = await worstHealthWait(stack.app, heavy);
    const answers = await heavy;
    const statuses = answers.map((a) => a.status);
    // a correctness check that the loop stays free, not a benchmark: a stalled loop waits seconds
    expect(worst, `health waited ${Math.round(worst)} ms; simulations answered ${statuses}`).toBeLessThan(
      500,
    );
    for (const a of answers) {
      expect([422, 429], JSON.stringify(a.body).slice(0, 200)).toContain(a.status);
      if (a.status === 422) expect(a.body.error.code).toBe('simulation_too_long');
      if (a.status === 429) expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // two at once per caller: the other four are turned away at the door
    expect(statuses.filter((s) => s === 429).length).toBe(4);
  });

  it('refuses a simulation past its step limit with 422 simulation_too_long, not a silently cut timeline', async () => {
    // three steps a day for ten years: 10,980 steps
    const res = await simulate(viewer, dailyLoop, { horizonDays: 3660 });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(422);
    expect(res.body.error.code).toBe('simulation_too_long');
    expect(res.body.error.message).toMatch(/10,000 steps/);
    expect(res.body.error.field).toBe('horizonDays');
  });

  it('still simulates a loop that fits', async () => {
    const res = await simulate(viewer, dailyLoop, { horizonDays: 365 });
    expect(res.status).toBe(200);
    expect(res.body.steps.filter((s: { nodeId: string }) => s.nodeId === 'w')).toHaveLength(365);
    // after its first day's tags, a day's three steps, 365 times
    expect(res.body.steps.length).toBeGreaterThan(3 * 365);
  });
});
