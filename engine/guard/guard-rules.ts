import type { GuardDecision } from '../../workflows/core/interpreter.js';
import type { GuardSpec } from '../../workflows/plan.js';
import { inDailyWindow, instantOf, nextTimeOfDay, wallTime } from '../time/local-time.js';

const DAY = 86_400_000;

export interface QuietHours {
  start: string;
  end: string;
}

/** At most `max` contacts on `channel` ('all': any channel) within `perDays` days, across all journeys. */
export interface FrequencyCap {
  channel: string;
  max: number;
  perDays: number;
}

export interface GuardContext {
  spec: GuardSpec;
  now: number;
  /** the member's zone (else the workspace's): quiet hours are member-local */
  timezone: string;
  quietHours: QuietHours | null;
  caps: FrequencyCap[];
  /** contacts the member already had (any channel), at least as far back as the longest cap window */
  contacts: { channel: string; at: number }[];
  /** false when the member opted out of the channel */
  consent: boolean;
  /** where the channel reaches the member; null: nowhere */
  address: string | null;
  /** effects of higher priority competing for the same slots right now (they go first) */
  ahead?: number;
}

export type GuardOutcome = { kind: 'allow' } | GuardDecision;

export const capApplies = (cap: FrequencyCap, channel: string) =>
  cap.channel === 'all' || cap.channel === channel;

/**
 * The guard-rails between "this action is due" and its effect, in order: consent, address, quiet hours,
 * frequency caps. Pure: the worker feeds it the member's real history under a lock (engine/guard/guard.ts),
 * the simulator feeds it a simulated one — the same rules either way.
 */
export function decideGuard(ctx: GuardContext): GuardOutcome {
  const { spec, now } = ctx;
  if (!ctx.consent) return { kind: 'skip', reason: 'no_consent' };
  if (!ctx.address) return { kind: 'skip', reason: 'no_address' };
  const quiet = ctx.quietHours;
  if (quiet && spec.quietHours !== 'ignore' && inDailyWindow(now, ctx.timezone, quiet.start, quiet.end)) {
    if (spec.quietHours === 'skip') return { kind: 'skip', reason: 'quiet_hours' };
    return { kind: 'defer', reason: 'quiet_hours', until: nextTimeOfDay(now, ctx.timezone, quiet.end) };
  }
  let freeAt: number | null = null;
  for (const cap of ctx.caps.filter((c) => capApplies(c, spec.channel))) {
    const window = cap.perDays * DAY;
    const inWindow = ctx.contacts
      .filter((c) => capApplies(cap, c.channel) && c.at > now - window && c.at <= now)
      .map((c) => c.at)
      .sort((a, b) => a - b);
    const used = inWindow.length + (ctx.ahead ?? 0);
    if (used < cap.max) continue;
    // The cap frees when enough of the counted contacts have left the window; slots taken now by
    // competitors ahead leave it one window from now.
    const leaving = used - cap.max;
    const at = leaving < inWindow.length ? inWindow[leaving] + window : now + window;
    freeAt = freeAt === null ? at : Math.max(freeAt, at);
  }
  if (freeAt !== null) {
    if (spec.overCap === 'defer') return { kind: 'defer', reason: 'frequency_cap', until: freeAt + 1 };
    return { kind: 'skip', reason: 'frequency_cap' };
  }
  return { kind: 'allow' };
}

/** The fewest slots left under any cap that applies (Infinity without caps). */
export function slotsLeft(ctx: Pick<GuardContext, 'spec' | 'now' | 'caps' | 'contacts'>): number {
  let left = Number.POSITIVE_INFINITY;
  for (const cap of ctx.caps.filter((c) => capApplies(c, ctx.spec.channel))) {
    const since = ctx.now - cap.perDays * DAY;
    const used = ctx.contacts.filter((c) => capApplies(cap, c.channel) && c.at > since).length;
    left = Math.min(left, cap.max - used);
  }
  return left;
}

/** The calendar month around an instant in the workspace's zone (platform quotas count calendar months). */
export function monthBounds(at: number, timeZone: string): { start: number; end: number } {
  const w = wallTime(at, timeZone);
  const start = instantOf({ year: w.year, month: w.month, day: 1, hour: 0, minute: 0, second: 0 }, timeZone);
  const next = w.month === 12 ? { year: w.year + 1, month: 1 } : { year: w.year, month: w.month + 1 };
  const end = instantOf({ ...next, day: 1, hour: 0, minute: 0, second: 0 }, timeZone);
  return { start, end };
}

/**
 * A platform's monthly allowance per member (WeCom mass messages): over it, the send waits for next month or is
 * skipped, like a frequency cap. Pure, for the simulator; the worker counts under the member's lock (guard.ts).
 */
export function decideMonthlyQuota(ctx: {
  spec: GuardSpec;
  now: number;
  timezone: string;
  quota: number;
  contacts: { channel: string; at: number }[];
}): GuardOutcome {
  const month = monthBounds(ctx.now, ctx.timezone);
  const used = ctx.contacts.filter(
    (c) => c.channel === ctx.spec.channel && c.at >= month.start && c.at <= ctx.now,
  ).length;
  if (used < ctx.quota) return { kind: 'allow' };
  return ctx.spec.overCap === 'defer'
    ? { kind: 'defer', reason: 'platform_quota', until: month.end }
    : { kind: 'skip', reason: 'platform_quota' };
}
