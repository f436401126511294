import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolOf } from '../../db/connection.js';
import { metricsResponse, observeEventBacklog, observePool } from '../infra/metrics.js';
import { edge, node } from '../testing/documents.js';
import { eventually, type Stack, startStack } from '../testing/stack.js';

/** After a run went through the real worker and API, /metrics tells what happened, in Prometheus text. */
describe('metrics', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    observePool('api', poolOf(stack.db)!.pool);
    observeEventBacklog(stack.db);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** The value of one series, or undefined. */
  const value = (text: string, series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : undefined;
  };

  it('counts runs, steps, sends, skips, activities, events and pool use', async () => {
    const journey = await stack.ok('POST', '/journeys', {
      name: 'metered',
      document: {
        nodes: [
          node('t', 'trigger.event', { event: 'metered_evt' }),
          node('sms', 'message', { channel: 'sms', body: 'no phone: skipped' }),
          node('push', 'message', { channel: 'push', body: 'sent' }),
          node('x', 'exit'),
        ],
        edges: [edge('t', 'sms'), edge('sms', 'push'), edge('push', 'x')],
      },
    });
    await stack.ok('POST', `/journeys/${journey.id}/publish`, {});
    const before = await (await metricsResponse()).text();
    await stack.ok('POST', '/events', { memberId: 'meter-1', name: 'metered_evt', id: 'meter-1' });
    await stack.ok('POST', '/events', { memberId: 'meter-1', name: 'metered_evt', id: 'meter-1' });
    await eventually(
      async () => (await stack.ok('GET', '/runs?memberId=meter-1')).runs[0]?.status === 'completed',
      30_000,
      'the run',
    );

    const response = await metricsResponse();
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const grew = (series: string, by = 1) =>
      expect((value(text, series) ?? 0) - (value(before, series) ?? 0), series).toBeGreaterThanOrEqual(by);
    grew('yutang_runs_started_total');
    grew('yutang_runs_finished_total{status="completed"}');
    grew('yutang_steps_total{node_type="message",output="next",status="ok"}');
    // the SMS to a member without a phone: the guard stage skips it, with the reason
    grew('yutang_steps_total{node_type="message",output="next",status="skipped"}');
    grew('yutang_messages_total{channel="push",status="sent",reason=""}');
    grew('yutang_messages_total{channel="sms",status="skipped",reason="no_address"}');
    grew('yutang_activity_duration_seconds_count{activity="runAction",node_type="message",outcome="ok"}', 2);
    grew('yutang_events_ingested_total{result="accepted"}');
    grew('yutang_events_ingested_total{result="duplicate"}');
    grew('yutang_events_processed_total{outcome="processed",reason=""}');
    expect(value(text, 'yutang_db_pool_connections{pool="api",state="total"}')).toBeGreaterThan(0);
    expect(value(text, 'yutang_db_pool_connections{pool="api",state="waiting"}')).toBe(0);
    expect(value(text, 'yutang_event_backlog')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('process_cpu_seconds_total');
  });
});
