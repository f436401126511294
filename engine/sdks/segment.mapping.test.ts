import { describe, expect, it } from 'vitest';
import type { Problem } from './profile.js';
import { mapSegmentMessages, occurredAt, segmentEventName } from './segment.mapping.js';

const receivedAt = new Date('2025-05-01T10:00:00Z');
const map = (msgs: unknown[], type?: 'track' | 'identify') =>
  mapSegmentMessages(msgs, { at: 'batch', receivedAt, type });

describe('Segment messages as SDK items', () => {
  it('names events as Yutang names them, and refuses what it cannot name', () => {
    expect(segmentEventName('Order Completed')).toEqual({ name: 'Order_Completed' });
    expect(segmentEventName('  Signed Up! (web) ')).toEqual({ name: 'Signed_Up_web' });
    expect(segmentEventName('checkout.step-2')).toEqual({ name: 'checkout.step-2' });
    expect(segmentEventName('下单')).toHaveProperty('problem');
    expect(segmentEventName('!!!')).toEqual({ problem: 'is empty' });
    expect(segmentEventName('x'.repeat(101))).toHaveProperty('problem');
  });

  it('moves a timestamp by the sender’s clock skew (receivedAt − sentAt), never into the future', () => {
    const problems: Problem[] = [];
    // the sender's clock is 60 s behind: sent "09:59:00" arrives at 10:00:00
    const t = occurredAt(
      { timestamp: '2025-05-01T09:30:00Z' },
      '2025-05-01T09:59:00Z',
      receivedAt,
      'batch.0',
      problems,
    );
    expect(t.toISOString()).toBe('2025-05-01T09:31:00.000Z');
    // a clock ahead cannot put the event after its arrival
    const ahead = occurredAt({ timestamp: '2025-05-01T10:00:30Z' }, undefined, receivedAt, 'x', problems);
    expect(ahead.toISOString()).toBe(receivedAt.toISOString());
    expect(occurredAt({}, undefined, receivedAt, 'x', problems)).toEqual(receivedAt);
    expect(problems).toEqual([]);
    const bad: Problem[] = [];
    occurredAt({ timestamp: 'yesterday' }, undefined, receivedAt, 'batch.3', bad);
    occurredAt({ timestamp: '1900-01-01T00:00:00Z' }, undefined, receivedAt, 'batch.4', bad);
    expect(bad.map((p) => p.field)).toEqual(['batch.3.timestamp', 'batch.4.timestamp']);
  });

  it('maps each type: track, identify (traits → fields and attributes), page, screen, alias, group', () => {
    const { items, problems } = map([
      {
        type: 'identify',
        userId: 'u1',
        anonymousId: 'd1',
        messageId: 'm1',
        traits: { name: '王', email: 'a@b.cn', city: '上海', createdAt: '2024-01-02T00:00:00Z' },
      },
      {
        type: 'track',
        userId: 'u1',
        event: 'Order Completed',
        properties: { amount: 9 },
        messageId: 'm2',
        timestamp: '2025-05-01T09:00:00Z',
      },
      { type: 'page', anonymousId: 'd1', name: 'Home', category: 'shop' },
      { type: 'screen', userId: 7, name: 'Cart' },
      { type: 'alias', previousId: 'd2', userId: 'u1' },
      { type: 'group', userId: 'u1', groupId: 'g' },
    ]);
    expect(problems).toEqual([]);
    expect(items).toEqual([
      { kind: 'link', index: 0, identity: 'd1', externalId: 'u1' },
      {
        kind: 'profile',
        index: 0,
        who: { kind: 'member', externalId: 'u1' },
        receipt: 'seg:m1',
        op: {
          kind: 'set',
          fields: { name: '王', email: 'a@b.cn', registeredAt: new Date('2024-01-02T00:00:00Z') },
          attributes: { city: '上海' },
        },
      },
      {
        kind: 'event',
        index: 1,
        who: { kind: 'member', externalId: 'u1' },
        name: 'Order_Completed',
        properties: { amount: 9 },
        occurredAt: new Date('2025-05-01T09:00:00Z'),
        id: 'seg:m2',
      },
      expect.objectContaining({
        kind: 'event',
        index: 2,
        who: { kind: 'anonymous', id: 'd1' },
        name: 'page_viewed',
        properties: { name: 'Home', category: 'shop' },
      }),
      expect.objectContaining({
        kind: 'event',
        who: { kind: 'member', externalId: '7' },
        name: 'screen_viewed',
      }),
      { kind: 'link', index: 4, identity: 'd2', externalId: 'u1' },
      expect.objectContaining({ kind: 'skip', index: 5, type: 'group', reason: 'unsupported_type' }),
    ]);
  });

  it('refuses the whole request for one bad message, naming where', () => {
    const fields = (msgs: unknown[], type?: 'track' | 'identify') =>
      map(msgs, type).problems.map((p) => p.field);
    expect(
      fields([
        { type: 'track', userId: 'u', event: 'ok' },
        { type: 'purchase', userId: 'u' },
      ]),
    ).toEqual(['batch.1.type']);
    expect(fields([{ type: 'track', event: 'x' }])).toEqual(['batch.0.userId']);
    expect(fields([{ type: 'track', userId: 'u' }])).toEqual(['batch.0.event']);
    expect(fields([{ type: 'track', userId: 'x'.repeat(129), event: 'e' }])).toEqual(['batch.0.userId']);
    expect(fields([{ type: 'track', userId: 'u\u0000', event: 'e' }])).toEqual(['batch.0.userId']);
    expect(fields([{ type: 'identify', userId: 'u', traits: { email: 'nope' } }])).toEqual([
      'batch.0.traits.email',
    ]);
    expect(fields([{ type: 'identify', userId: 'u', traits: { __proto__x: 1, constructor: 1 } }])).toEqual([
      'batch.0.traits.constructor',
    ]);
    expect(fields([{ type: 'alias', userId: 'u' }])).toEqual(['batch.0.previousId']);
    expect(
      fields([{ userId: 'u', event: 'e', properties: { big: 'x'.repeat(33 * 1024) } }], 'track'),
    ).toEqual(['batch.0']);
    expect(fields([{ type: 'identify', userId: 'u' }], 'track')).toEqual(['batch.0.type']);
    expect(fields([null, [], 'text'])).toEqual(['batch.0', 'batch.1', 'batch.2']);
  });
});
