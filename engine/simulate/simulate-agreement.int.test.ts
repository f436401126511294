import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberFacts } from '../../workflows/activities.js';
import {
  type Command,
  type Input,
  initialState,
  type StepRecord,
  step,
} from '../../workflows/core/interpreter.js';
import type { Plan } from '../../workflows/plan.js';
import { compileJourney } from '../compiler/compile.js';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { splitWinner } from '../results/split-decision.js';
import { fakeAliyunSms, fakeWeixin } from '../testing/fake-providers.js';
import { type Stack, startStack } from '../testing/stack.js';
import { createSandboxChannels } from '../worker/channels.js';
import { createDeadlineResolver, createNodeExecutor } from '../worker/execute-node.js';
import { simulateForMember } from './simulate.service.js';

const HOUR = 3_600_000;
// a Monday in Shanghai; each case enters at a random hour of it, inside or outside quiet hours (21:00–09:00)
const DAY0 = Date.parse('2026-03-02T00:00:00+08:00');

type Doc = JourneyDocument;
type Node = Doc['nodes'][number];

/** A random journey: a tree of flow and action nodes under a manual trigger, each leaf an exit. */
const journeyArb = fc
  .record({
    shape: fc.array(fc.nat(1000), { minLength: 24, maxLength: 24 }),
    holdout: fc.boolean(),
  })
  .map(({ shape, holdout }) => {
    let k = 0;
    const next = () => shape[k++ % shape.length];
    const nodes: Node[] = [];
    const edges: Doc['edges'] = [];
    let n = 0;
    const add = (type: string, data: Record<string, unknown>) => {
      const id = `${type.replace(/\W/g, '_')}_${++n}`;
      nodes.push({ id, type, data, position: { x: 0, y: n * 100 } });
      return id;
    };
    const link = (source: string, handle: string, target: string) =>
      edges.push({ id: `e${edges.length}`, source, sourceHandle: handle, target });
    const channelContent: Record<string, Record<string, unknown>> = {
      sms: {
        channel: 'sms',
        content: { templateCode: 'SMS_271525576', params: { name: '{{member.name}}' } },
      },
      wecom: { channel: 'wecom', content: { text: '{{member.name}}，新品到店' } },
      email: { channel: 'email', title: '新品', body: '新品到店' },
      wechat: { channel: 'wechat', title: '新品', body: '新品到店' },
      push: { channel: 'push', body: '新品到店' },
    };
    const grow = (depth: number): string => {
      if (depth === 0) return add('exit', {});
      const pick = next() % 7;
      if (pick === 0) {
        const id = add('tag', { add: [['vip', 'new', 'lost'][next() % 3]], remove: [] });
        link(id, 'next', grow(depth - 1));
        return id;
      }
      if (pick === 1 || pick === 2) {
        const channel = ['sms', 'wecom', 'email', 'wechat', 'push'][next() % 5];
        const id = add('message', {
          ...channelContent[channel],
          quietHours: ['defer', 'skip', 'ignore'][next() % 3],
          overCap: ['skip', 'defer'][next() % 2],
        });
        link(id, 'next', grow(depth - 1));
        return id;
      }
      if (pick === 3) {
        const fallback = [undefined, 'g-active', 'g-gone', 'g-nobody'][next() % 4];
        const id = add('guide.task', {
          title: '邀请到店',
          script: '{{member.name}}您好',
          dueIn: { amount: 24, unit: 'hours' },
          ...(fallback ? { fallbackGuideWecomUserId: fallback } : {}),
        });
        for (const out of ['done', 'overdue', 'no_guide']) link(id, out, grow(depth - 1));
        return id;
      }
      if (pick === 4) {
        const id = add('branch', {
          conditions: [{ id: 'c1', label: 'VIP', when: { kind: 'tag', op: 'has', tag: 'vip' } }],
        });
        link(id, 'c1', grow(depth - 1));
        link(id, 'else', grow(depth - 1));
        return id;
      }
      if (pick === 5) {
        const id = add('split', {
          variants: [
            { id: 'a', label: 'A', percent: 50 },
            { id: 'b', label: 'B', percent: 50, ...(holdout ? { holdout: true } : {}) },
          ],
        });
        link(id, 'a', grow(depth - 1));
        // a holdout gets no messages, coupons or tasks (the compiler refuses them): it leaves
        link(id, 'b', holdout ? add('exit', {}) : grow(depth - 1));
        return id;
      }
      const id = add('wait.duration', { amount: 1 + (next() % 12), unit: 'hours' });
      link(id, 'next', grow(depth - 1));
      return id;
    };
    const trigger = add('trigger.manual', {});
    link(trigger, 'next', grow(3));
    return { nodes, edges } as Doc;
  });

/** A random member: which addresses, consent and guide they have, and where they live. */
const memberArb = fc.record({
  phone: fc.boolean(),
  email: fc.boolean(),
  wecomContact: fc.boolean(),
  guide: fc.constantFrom('none', 'active', 'gone'),
  consent: fc.record({
    sms: fc.constantFrom(true, false, undefined),
    wecom: fc.constantFrom(true, false, undefined),
    email: fc.constantFrom(true, false, undefined),
  }),
  timezone: fc.constantFrom(null, 'Asia/Shanghai', 'America/New_York'),
  tags: fc.subarray(['vip', 'new']),
  hour: fc.integer({ min: 0, max: 23 }),
});

/** A step as both sides record it: where, which way, and why (a guard's reason, a provider's skip). */
const pathOf = (steps: StepRecord[]) =>
  steps.map((s) =>
    [
      s.nodeId,
      s.output ?? '-',
      s.status,
      typeof s.detail.reason === 'string' ? s.detail.reason : '',
      typeof s.detail.skipReason === 'string' ? s.detail.skipReason : '',
      typeof s.detail.until === 'number' ? new Date(s.detail.until).toISOString() : '',
    ].join(' '),
  );

/**
 * The simulator and the worker must tell the same story. For random journeys and random members, the same
 * plan runs (1) through the simulator as the API serves it, and (2) through the interpreter with the worker's
 * own node executor — its guard stage (consent, address, quiet hours, caps), its guide lookup, its channel
 * providers (local fakes for SMS and WeCom, the sandbox for the rest) — on real Postgres, on a virtual clock.
 * Their paths — nodes, outputs, statuses, skip and deferral reasons — must be identical. (A guide task's
 * outcome is the one thing neither can know: both take 已完成 at once when a guide got the task.)
 */
describe('simulator and worker agree', () => {
  let stack: Stack;
  let sms: Awaited<ReturnType<typeof fakeAliyunSms>>;
  let weixin: Awaited<ReturnType<typeof fakeWeixin>>;
  const guides: Record<string, string> = {};
  let now = DAY0;

  beforeAll(async () => {
    stack = await startStack({ worker: false, allowPrivateAddresses: true });
    sms = await fakeAliyunSms({ accessKeyId: 'LTAI-agree', accessKeySecret: 'agree-secret' });
    weixin = await fakeWeixin({ id: 'ww-agree', secrets: ['contact-secret', 'app-secret'] });
    // SMS and WeCom through their (fake) providers, email, WeChat and push through the sandbox
    await stack.ok('PUT', '/channel-settings/sms', {
      accessKeyId: 'LTAI-agree',
      accessKeySecret: 'agree-secret',
      signName: '鱼塘',
      endpoint: sms.url,
    });
    await stack.ok('PUT', '/channel-settings/wecom', {
      corpId: 'ww-agree',
      contactSecret: 'contact-secret',
      agentId: 1000002,
      agentSecret: 'app-secret',
      taskExpiryHours: 1,
      endpoint: weixin.url,
    });
    await stack.ok('PUT', '/settings', {
      timezone: 'Asia/Shanghai',
      allowPrivateAddresses: true,
      quietHours: { start: '21:00', end: '09:00' },
      frequencyCaps: [{ channel: 'sms', max: 1, perDays: 1 }],
    });
    for (const [key, active] of [
      ['g-active', true],
      ['g-gone', false],
    ] as const) {
      const g = await stack.ok('POST', '/guides', { name: `导购${key}`, wecomUserId: key, active });
      guides[key] = g.guide?.id ?? g.id;
    }
  }, 180_000);
  afterAll(async () => {
    await sms?.close();
    await weixin?.close();
    await stack?.stop();
  });

  /** The plan run the way journey.workflow.ts hosts it, with the worker's executor, on a virtual clock. */
  async function runAsWorker(plan: Plan, journeyId: string, externalId: string, startAt: number) {
    const execute = createNodeExecutor({
      db: stack.db,
      registry: stack.registry,
      channels: createSandboxChannels(),
      guard: { settleMs: 0, now: () => now },
    });
    const resolve = createDeadlineResolver({ db: stack.db, registry: stack.registry });
    const { runId, memberId } = await stack.insertRunRow(journeyId, externalId);
    now = startAt;
    let state = initialState(memberId, journeyId, false);
    const steps: StepRecord[] = [];
    const feed = (input: Input): Command => {
      const r = step(plan, state, input);
      state = r.state;
      steps.push(...r.steps);
      return r.command;
    };
    let command = feed({ type: 'start', now });
    for (let turn = 0; turn < 200; turn++) {
      if (command.type === 'action') {
        const { nodeId } = command;
        // a failed step is part of the path too (the simulator never fails one: the comparison says so)
        const result = await execute({
          workspaceId: stack.workspaceId,
          journeyId,
          version: 1,
          runId,
          memberId,
          nodeId: command.nodeId,
          nodeType: command.nodeType,
          typeVersion: command.typeVersion,
          config: command.config,
          visit: command.visit,
          vars: state.vars,
          guard: command.guard,
        }).catch((e: Error) => ({ failed: e.message }) as const);
        if ('failed' in result) {
          command = feed({ type: 'actionFailed', nodeId, message: result.failed, now });
          continue;
        }
        command = result.guard
          ? feed({ type: 'actionGuarded', nodeId, decision: result.guard, detail: result.detail, now })
          : feed({
              type: 'actionDone',
              nodeId,
              output: result.output,
              detail: result.detail,
              vars: result.vars,
              member: result.member,
              wait: result.wait,
              now,
            });
        // the guide marks the task done at once (the simulator's assumption for a task a guide got)
        if (result.wait) command = feed({ type: 'completion', nodeId, output: 'done', now });
      } else if (command.type === 'decideSplit') {
        // the worker's own question: has this split a decided winner? (auto-winner or a marketer's pick)
        const variant = await splitWinner(stack.db, {
          workspaceId: stack.workspaceId,
          journeyId,
          version: 1,
          nodeId: command.nodeId,
          plan,
        });
        command = feed({ type: 'splitDecided', nodeId: command.nodeId, variant, now });
      } else if (command.type === 'loadMember') {
        const facts = await memberFacts(stack.db, memberId);
        command = feed({ type: 'member', nodeId: command.nodeId, member: facts, now });
      } else if (command.type === 'resolveTime') {
        const at = await resolve({ ...command, workspaceId: stack.workspaceId, memberId });
        command = feed({ type: 'timeResolved', nodeId: command.nodeId, at, now });
      } else if (command.type === 'wait' && command.until !== null) {
        now = Math.max(now, command.until);
        command = feed({ type: 'timer', now });
      } else break;
    }
    return { steps, status: state.status };
  }

  it('on random journeys and members, both take the same path for the same reasons', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(journeyArb, memberArb, async (doc, m) => {
        const compiled = compileJourney(doc, stack.registry);
        expect(compiled.errors).toEqual([]);
        const plan = compiled.plan!;
        const journey = await stack.ok('POST', '/journeys', { name: `agree ${++n}`, document: doc });
        const externalId = `agree-${n}`;
        await stack.ok('PUT', `/members/${externalId}`, {
          name: `会员${n}`,
          ...(m.phone ? { phone: `1390000${String(n).padStart(4, '0')}` } : {}),
          ...(m.email ? { email: `agree${n}@example.com` } : {}),
          ...(m.wecomContact ? { attributes: { wecom_external_userid: `wm${n}` } } : {}),
          consent: Object.fromEntries(Object.entries(m.consent).filter(([, v]) => v !== undefined)),
          timezone: m.timezone,
          tags: m.tags,
          ...(m.guide === 'active' ? { guideId: guides['g-active'] } : {}),
          ...(m.guide === 'gone' ? { guideId: guides['g-gone'] } : {}),
        });
        const startAt = DAY0 + m.hour * HOUR;
        // the simulator first: it reads the member as they are before the real run changes them
        const simulated = await simulateForMember(
          stack.db,
          stack.registry,
          stack.workspaceId,
          journey.id,
          plan,
          { memberId: externalId, member: { tags: [], attributes: {} }, events: [], startAt },
          { timeoutMs: 30_000 },
        );
        const real = await runAsWorker(plan, journey.id, externalId, startAt);
        expect(pathOf(simulated.steps)).toEqual(pathOf(real.steps));
        expect(simulated.end.status).toBe(real.status);
      }),
      { numRuns: Number(process.env.AGREEMENT_RUNS ?? 40), seed: 20261207, endOnFailure: true },
    );
  }, 600_000);

  it('a member without a guide: the simulator says 无导购 where the real run takes it (the issue’s case)', async () => {
    const doc: Doc = {
      nodes: [
        { id: 't', type: 'trigger.manual', data: {}, position: { x: 0, y: 0 } },
        {
          id: 'task',
          type: 'guide.task',
          data: { title: '回访', dueIn: { amount: 1, unit: 'days' } },
          position: { x: 0, y: 100 },
        },
        { id: 'x', type: 'exit', data: {}, position: { x: 0, y: 200 } },
      ],
      edges: ['done', 'overdue', 'no_guide'].map((h, i) => ({
        id: `e${i}`,
        source: 'task',
        sourceHandle: h,
        target: 'x',
      })),
    };
    doc.edges.push({ id: 'et', source: 't', sourceHandle: 'next', target: 'task' });
    const plan = compileJourney(doc, stack.registry).plan!;
    const journey = await stack.ok('POST', '/journeys', { name: 'no guide', document: doc });
    await stack.ok('PUT', '/members/agree-noguide', { name: '无导购会员' });
    const sim = await simulateForMember(
      stack.db,
      stack.registry,
      stack.workspaceId,
      journey.id,
      plan,
      // the marketer assumes the task gets done: the member's real data decides otherwise
      {
        memberId: 'agree-noguide',
        member: { tags: [], attributes: {} },
        events: [],
        outcomes: { task: 'done' },
      },
      { timeoutMs: 30_000 },
    );
    expect(sim.steps.find((s) => s.nodeId === 'task')).toMatchObject({
      output: 'no_guide',
      detail: { reason: 'no_guide' },
    });
    const real = await runAsWorker(plan, journey.id, 'agree-noguide', Date.now());
    expect(pathOf(sim.steps)).toEqual(pathOf(real.steps));
  });
});
