import { z } from 'zod';
import { externalId, jsonPayload, safeText } from '../api/validate.js';
import { type Problem, splitTraits } from './profile.js';
import { EVENT_NAME, type MappedRequest, type SdkItem, type Who } from './sdk-items.js';

/** Segment's limits (its HTTP API answers 400 past them): one message, and a whole batch request. */
export const SEGMENT_MESSAGE_MAX_BYTES = 32 * 1024;
export const SEGMENT_BATCH_MAX_BYTES = 500 * 1024;
/** Messages in one batch: 500 KB of real events is far fewer; this bounds one transaction. */
export const SEGMENT_BATCH_MAX_MESSAGES = 1000;
/** Room for the `seg:` prefix inside the events' 200-character client id. */
const MESSAGE_ID_MAX = 190;

export const SEGMENT_TYPES = ['track', 'identify', 'page', 'screen', 'alias', 'group'] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

/** Segment sends ids as strings; some libraries let numbers through (`userId: 1001`): those are ids too. */
const id = z.union([z.string(), z.number().int().safe()]).transform((v) => String(v).trim());
const instant = z.union([safeText(64), z.number()]).optional();

/**
 * The fields of a Segment message Yutang reads (https://segment.com/docs/connections/spec/common/); the rest
 * (`context`, `integrations`, `writeKey`, `channel`…) is ignored. Loose: Segment messages carry many more.
 */
export const segmentMessage = z.looseObject({
  type: z.string().max(20).optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  messageId: safeText(MESSAGE_ID_MAX, { min: 1, trim: true, line: true }).optional(),
  timestamp: instant,
  originalTimestamp: instant,
  sentAt: instant,
  event: z.string().max(200).optional(),
  name: safeText(200).nullish(),
  category: safeText(200).nullish(),
  properties: jsonPayload().nullish(),
  traits: jsonPayload().nullish(),
  previousId: id.optional(),
});
export type SegmentMessage = z.input<typeof segmentMessage>;

export const segmentBatch = z.looseObject({
  batch: z.array(z.unknown()).min(1).max(SEGMENT_BATCH_MAX_MESSAGES),
  sentAt: instant,
});

const EARLIEST = Date.UTC(1970, 0, 1);
const FUTURE_SLACK_MS = 24 * 3_600_000;

function parseInstant(v: unknown): Date | null {
  if (v === undefined || v === null) return null;
  const d = new Date(v as string | number);
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * When it happened: the message's `timestamp` (or `originalTimestamp`), moved by the sender's clock skew
 * (`receivedAt − sentAt`, as Segment corrects it) when the sender said when it sent; never in the future.
 */
export function occurredAt(
  msg: { timestamp?: unknown; originalTimestamp?: unknown; sentAt?: unknown },
  batchSentAt: unknown,
  receivedAt: Date,
  at: string,
  problems: Problem[],
): Date {
  const rawTs = msg.timestamp ?? msg.originalTimestamp;
  const ts = parseInstant(rawTs);
  const sent = parseInstant(msg.sentAt ?? batchSentAt);
  if (rawTs !== undefined && rawTs !== null && !ts) {
    problems.push({
      field: `${at}.timestamp`,
      message: 'not a date: ISO 8601, e.g. 2025-05-01T10:00:00+08:00',
    });
    return receivedAt;
  }
  if (!ts) return receivedAt;
  const skew = sent ? receivedAt.getTime() - sent.getTime() : 0;
  const t = Math.min(ts.getTime() + skew, receivedAt.getTime());
  if (ts.getTime() < EARLIEST || ts.getTime() > receivedAt.getTime() + FUTURE_SLACK_MS || t < EARLIEST) {
    problems.push({ field: `${at}.timestamp`, message: 'must be between 1970 and now' });
    return receivedAt;
  }
  return new Date(t);
}

/**
 * A Segment event name as a Yutang event name: runs of spaces and punctuation Yutang does not allow become
 * one `_` (`Order Completed` → `Order_Completed`, `Signed Up!` → `Signed_Up`). Names with other scripts
 * (`下单`) are refused rather than turned into something nobody recognises.
 */
export function segmentEventName(raw: string): { name: string } | { problem: string } {
  const trimmed = raw.trim();
  if (!/^[\x20-\x7e]*$/.test(trimmed))
    return {
      problem:
        'Yutang event names are ASCII letters, digits and _ . : - $; rename the event in your tracking plan (e.g. order_paid)',
    };
  const name = trimmed
    .split(/[^A-Za-z0-9_.:$-]+/)
    .filter(Boolean)
    .join('_');
  if (!name) return { problem: 'is empty' };
  if (name.length > 100) return { problem: 'is longer than 100 characters' };
  if (!EVENT_NAME.test(name)) return { problem: 'letters, digits, _ . : - $ only' };
  return { name };
}

/** page and screen calls are events of these names, their `name` and `category` among the properties. */
export const PAGE_EVENT = 'page_viewed';
export const SCREEN_EVENT = 'screen_viewed';

/**
 * Segment messages (a single call's body, or a batch's `batch`) as SDK items. Every message is checked
 * before anything is written: one bad message refuses the request (400 naming `batch.N.field`), as our own
 * batch API does, so a client never half-succeeds.
 */
export function mapSegmentMessages(
  raws: unknown[],
  opts: {
    /** the single-call endpoint's type (`/v1/track`): a message's own `type` must agree or be absent */
    type?: SegmentType;
    /** where in the body the messages are, for problem fields: `batch` or `` for a single call */
    at: string;
    batchSentAt?: unknown;
    receivedAt: Date;
  },
): MappedRequest {
  const items: SdkItem[] = [];
  const problems: Problem[] = [];
  raws.forEach((raw, index) => {
    const at = opts.at ? `${opts.at}.${index}` : '';
    const f = (name: string) => (at ? `${at}.${name}` : name);
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push({ field: at || 'body', message: 'a message is a JSON object' });
      return;
    }
    const bytes = Buffer.byteLength(JSON.stringify(raw));
    if (bytes > SEGMENT_MESSAGE_MAX_BYTES) {
      problems.push({
        field: at || 'body',
        message: `is ${bytes} bytes; a message is at most 32 KB (Segment's limit)`,
      });
      return;
    }
    const parsed = segmentMessage.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({ field: f(issue.path.map(String).join('.')), message: issue.message });
      return;
    }
    const msg = parsed.data;
    const type = (msg.type ?? opts.type) as SegmentType | undefined;
    if (!type || !(SEGMENT_TYPES as readonly string[]).includes(type)) {
      problems.push({
        field: f('type'),
        message: `unknown type ${JSON.stringify(msg.type ?? null)}: track, identify, page, screen, alias or group`,
      });
      return;
    }
    if (opts.type && type !== opts.type) {
      problems.push({ field: f('type'), message: `this endpoint takes ${opts.type} calls, not ${type}` });
      return;
    }
    const ids: Problem[] = [];
    const checkId = (value: string | null | undefined, name: string) => {
      if (value === undefined || value === null || value === '') return undefined;
      const r = externalId.safeParse(value);
      if (!r.success) ids.push({ field: f(name), message: r.error.issues[0].message });
      return r.success ? r.data : undefined;
    };
    const userId = checkId(msg.userId, 'userId');
    const anonymousId = checkId(msg.anonymousId, 'anonymousId');
    const previousId = checkId(msg.previousId, 'previousId');
    if (ids.length) {
      problems.push(...ids);
      return;
    }
    if (type === 'group') {
      items.push({
        kind: 'skip',
        index,
        type,
        reason: 'unsupported_type',
        message: 'group calls describe accounts, not members: not kept',
      });
      return;
    }
    if (type === 'alias') {
      if (!userId || !previousId) {
        problems.push({
          field: f(userId ? 'previousId' : 'userId'),
          message: 'alias needs userId and previousId',
        });
        return;
      }
      if (previousId !== userId)
        items.push({ kind: 'link', index, identity: previousId, externalId: userId });
      return;
    }
    if (!userId && !anonymousId) {
      problems.push({ field: f('userId'), message: 'userId or anonymousId is required' });
      return;
    }
    const who: Who = userId
      ? { kind: 'member', externalId: userId }
      : { kind: 'anonymous', id: anonymousId! };
    // a call naming both ids tells us whose device it is
    if (userId && anonymousId && anonymousId !== userId)
      items.push({ kind: 'link', index, identity: anonymousId, externalId: userId });
    const idem = msg.messageId ? `seg:${msg.messageId}` : undefined;
    if (type === 'identify') {
      const split = splitTraits(msg.traits ?? {}, f('traits'), problems);
      items.push({ kind: 'profile', index, who, op: { kind: 'set', ...split }, receipt: idem });
      return;
    }
    const when = occurredAt(msg, opts.batchSentAt, opts.receivedAt, at || 'body', problems);
    let name: string;
    let properties = msg.properties ?? {};
    if (type === 'track') {
      if (typeof msg.event !== 'string') {
        problems.push({ field: f('event'), message: 'a track call names its event' });
        return;
      }
      const mapped = segmentEventName(msg.event);
      if ('problem' in mapped) {
        problems.push({ field: f('event'), message: mapped.problem });
        return;
      }
      name = mapped.name;
    } else {
      name = type === 'page' ? PAGE_EVENT : SCREEN_EVENT;
      properties = {
        ...properties,
        ...(msg.name ? { name: msg.name } : {}),
        ...(msg.category ? { category: msg.category } : {}),
      };
      if (Buffer.byteLength(JSON.stringify(properties)) > SEGMENT_MESSAGE_MAX_BYTES) {
        problems.push({ field: f('properties'), message: 'with name and category it passes 32 KB' });
        return;
      }
    }
    items.push({ kind: 'event', index, who, name, properties, occurredAt: when, id: idem });
  });
  return { items, problems };
}
