import { describe, expect, it } from 'vitest';
import type { SimulationResult } from '../api/types';
import { formatOffset, simulatedPath, simulationTimeline } from './sim-timeline';

const DAY = 86_400_000;
const step = (seq: number, nodeId: string, output: string | null, afterMs: number, status = 'ok') =>
  ({
    seq,
    nodeId,
    nodeType: 'x',
    output,
    status,
    at: afterMs,
    detail: {},
    afterMs,
  }) as SimulationResult['steps'][number];

// trigger → wait 30 days → message; the goal event on day 2 converts the member in the wait
const converted: SimulationResult = {
  steps: [step(0, 'trigger', 'next', 0), step(1, 'wait', null, 2 * DAY, 'converted')],
  end: { status: 'converted', nodeId: 'wait', afterMs: 2 * DAY, waitingUntilMs: null, exitReason: 'goal' },
  member: { tags: [], attributes: {} },
  startAt: 0,
};

describe('the simulated timeline', () => {
  it('puts the made-up events where they fall, before the step they caused, and ends with the outcome', () => {
    const items = simulationTimeline(converted, [
      { name: 'order_paid', afterMs: 2 * DAY },
      { name: 'app_open', afterMs: 40 * DAY },
    ]);
    expect(
      items.map((i) =>
        i.kind === 'step'
          ? `step:${i.step.nodeId}`
          : i.kind === 'event'
            ? `event:${i.name}:${i.late}`
            : i.kind,
      ),
    ).toEqual([
      'enter',
      'step:trigger',
      'event:order_paid:false',
      'step:wait',
      // after the member converted: it changed nothing
      'event:app_open:true',
      'end',
    ]);
  });

  it('lights up the nodes and the lines the member went through', () => {
    const doc = {
      edges: [
        { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'wait' },
        { id: 'e2', source: 'wait', sourceHandle: 'next', target: 'message' },
      ],
    };
    const path = simulatedPath(converted, doc);
    expect([...path.nodes]).toEqual(['trigger', 'wait']);
    expect([...path.edges]).toEqual(['e1']);
  });
});

describe('formatOffset', () => {
  it('says a span in its two largest units', () => {
    expect(formatOffset(0, 'zh')).toBe('立即');
    expect(formatOffset(45 * 60_000, 'zh')).toBe('45 分钟');
    expect(formatOffset(3 * DAY + 2 * 3_600_000 + 5 * 60_000, 'zh')).toBe('3 天 2 小时');
    expect(formatOffset(30 * DAY, 'en')).toBe('30 d');
    expect(formatOffset(DAY + 30 * 60_000, 'zh')).toBe('1 天');
  });
});
