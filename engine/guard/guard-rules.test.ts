import { describe, expect, it } from 'vitest';
import type { GuardSpec } from '../../workflows/plan.js';
import { decideGuard, type GuardContext, slotsLeft } from './guard-rules.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const tz = 'Asia/Shanghai';
/** a time on 2026-03-02 (Monday) in Shanghai */
const at = (h: number, m = 0) => Date.UTC(2026, 2, 2, h - 8, m);
const sms: GuardSpec = { channel: 'sms', quietHours: 'defer', overCap: 'skip' };
const ctx = (over: Partial<GuardContext> = {}): GuardContext => ({
  spec: sms,
  now: at(12),
  timezone: tz,
  quietHours: { start: '21:00', end: '09:00' },
  caps: [],
  contacts: [],
  consent: true,
  address: '13800000000',
  ...over,
});

describe('decideGuard', () => {
  it('allows a send in the daytime with no caps', () => {
    expect(decideGuard(ctx())).toEqual({ kind: 'allow' });
  });

  it('skips without consent, then without an address — before anything else', () => {
    expect(decideGuard(ctx({ consent: false, now: at(23) }))).toEqual({ kind: 'skip', reason: 'no_consent' });
    expect(decideGuard(ctx({ address: null }))).toEqual({ kind: 'skip', reason: 'no_address' });
  });

  it('defers a night send to the end of quiet hours in the member’s zone, or skips it, or ignores them', () => {
    expect(decideGuard(ctx({ now: at(23) }))).toEqual({
      kind: 'defer',
      reason: 'quiet_hours',
      until: at(9) + DAY,
    });
    expect(decideGuard(ctx({ now: at(3) }))).toEqual({ kind: 'defer', reason: 'quiet_hours', until: at(9) });
    expect(decideGuard(ctx({ now: at(23), spec: { ...sms, quietHours: 'skip' } }))).toEqual({
      kind: 'skip',
      reason: 'quiet_hours',
    });
    expect(decideGuard(ctx({ now: at(23), spec: { ...sms, quietHours: 'ignore' } }))).toEqual({
      kind: 'allow',
    });
    // a member in Berlin: 23:00 Shanghai is 16:00 there — no quiet hours
    expect(decideGuard(ctx({ now: at(23), timezone: 'Europe/Berlin' }))).toEqual({ kind: 'allow' });
  });

  it('counts contacts across journeys against a cap and skips or defers until it frees', () => {
    const caps = [{ channel: 'sms', max: 2, perDays: 1 }];
    const contacts = [
      { channel: 'sms', at: at(12) - 20 * HOUR },
      { channel: 'sms', at: at(12) - 2 * HOUR },
      { channel: 'email', at: at(12) - HOUR },
    ];
    expect(decideGuard(ctx({ caps, contacts }))).toEqual({ kind: 'skip', reason: 'frequency_cap' });
    // defer: the oldest counted contact leaves the 1-day window 4 hours from now
    expect(decideGuard(ctx({ caps, contacts, spec: { ...sms, overCap: 'defer' } }))).toEqual({
      kind: 'defer',
      reason: 'frequency_cap',
      until: at(12) + 4 * HOUR + 1,
    });
    // another channel is not counted by an sms cap; an 'all' cap counts every channel
    expect(decideGuard(ctx({ caps, contacts: contacts.slice(1) }))).toEqual({ kind: 'allow' });
    expect(
      decideGuard(ctx({ caps: [{ channel: 'all', max: 2, perDays: 1 }], contacts: contacts.slice(1) })),
    ).toEqual({
      kind: 'skip',
      reason: 'frequency_cap',
    });
  });

  it('counts competitors of higher priority as taken slots', () => {
    const caps = [{ channel: 'sms', max: 1, perDays: 1 }];
    expect(decideGuard(ctx({ caps, ahead: 0 }))).toEqual({ kind: 'allow' });
    expect(decideGuard(ctx({ caps, ahead: 1, spec: { ...sms, overCap: 'defer' } }))).toEqual({
      kind: 'defer',
      reason: 'frequency_cap',
      until: at(12) + DAY + 1,
    });
  });

  it('tells how many slots are left under the tightest cap', () => {
    const caps = [
      { channel: 'sms', max: 3, perDays: 7 },
      { channel: 'all', max: 1, perDays: 1 },
    ];
    expect(slotsLeft({ spec: sms, now: at(12), caps, contacts: [] })).toBe(1);
    expect(slotsLeft({ spec: sms, now: at(12), caps: [], contacts: [] })).toBe(Number.POSITIVE_INFINITY);
  });
});
