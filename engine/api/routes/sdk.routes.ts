import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { can } from '../../auth/principal.js';
import type { Logger } from '../../infra/logger.js';
import type { Problem } from '../../sdks/profile.js';
import {
  applySdkItems,
  SdkApplyError,
  type SdkName,
  type SdkOutcome,
} from '../../sdks/sdk-ingest.service.js';
import type { SdkItem } from '../../sdks/sdk-items.js';
import {
  mapSegmentMessages,
  SEGMENT_BATCH_MAX_BYTES,
  SEGMENT_MESSAGE_MAX_BYTES,
  type SegmentType,
  segmentBatch,
  segmentMessage,
} from '../../sdks/segment.mapping.js';
import {
  decodeSensorsForm,
  mapSensorsRecords,
  SensorsDecodeError,
  sensorsProject,
} from '../../sdks/sensors.mapping.js';
import { AppError } from '../app-error.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { tooDeepAt } from '../json-depth.js';
import { documented } from '../openapi.js';
import { BODY_MAX_DEPTH, parseOrThrow } from '../validate.js';

/** Sensors' form body: base64 of (gzipped) JSON is about 1.4× the records; 5 MB unzipped is the real bound. */
export const SENSORS_BODY_MAX_BYTES = 5 * 1024 * 1024;

const SINGLE: SegmentType[] = ['track', 'identify', 'page', 'screen', 'alias', 'group'];
const SEGMENT_SUMMARY: Record<SegmentType, string> = {
  track: 'an event of the member (userId) — event names map to Yutang names',
  identify: 'traits → the member’s fields and attributes; with anonymousId, links that device to them',
  page: 'an event page_viewed (name, category among its properties)',
  screen: 'an event screen_viewed (name, category among its properties)',
  alias: 'links previousId to the member userId',
  group: 'accepted and skipped (accounts are not members), with the reason in the answer',
};

const sdkAccess = {
  permission: 'events.ingest',
  // member activity from the brand's apps, like POST /api/events: the events and members are its record
  audit: false,
  rateLimit: 'ingest',
} as const;

for (const type of SINGLE)
  documented({
    method: 'post',
    path: `/v1/${type}`,
    summary: `Segment ${type} call: ${SEGMENT_SUMMARY[type]}. Basic auth: an ingest API key as username. 200 {success:true}; 400 with a reason for bad JSON, a message over 32 KB or bad fields`,
    tag: 'sdk',
    body: segmentMessage,
    keyFrom: ['basic'],
    ...sdkAccess,
  });
for (const path of ['/v1/batch', '/v1/import'])
  documented({
    method: 'post',
    path,
    summary:
      'Segment batch (what @segment/analytics-node sends): up to 500 KB, each message up to 32 KB; all checked before any is written',
    tag: 'sdk',
    body: segmentBatch,
    keyFrom: ['basic'],
    ...sdkAccess,
  });

const sensorsQuery = z.object({
  /** recorded on every event as `$project`; the key decides the workspace */
  project: sensorsProject.optional(),
  /** the ingest API key, for SDKs that can only be given a URL */
  token: z.string().max(300).optional(),
});
const sensorsForm = z.object({
  data_list: z.string().optional().describe('base64 of a JSON array of records (gzipped when gzip=1)'),
  data: z.string().optional().describe('base64 of one JSON record (gzipped when gzip=1)'),
  gzip: z.enum(['0', '1']).optional(),
});
documented({
  method: 'post',
  path: '/sa',
  summary:
    'Sensors Data (神策) records, form-encoded as the SDKs send them: data_list or data, base64, gzip=1. The key as ?token= (or Bearer); ?project= is recorded on each event',
  tag: 'sdk',
  query: sensorsQuery,
  body: sensorsForm,
  contentType: 'application/x-www-form-urlencoded',
  keyFrom: ['query'],
  bodyFormat: 'form',
  ...sdkAccess,
});

const tooLarge = (limit: string) => () => {
  // Segment answers 400 to a payload over its limits (its clients do not retry a 400)
  throw new AppError('invalid_input', `the request body is larger than ${limit}`, { field: 'body' });
};

function refuse(problems: Problem[]): never {
  const first = problems[0];
  throw new AppError('invalid_input', `${first.field}: ${first.message}`, {
    field: first.field,
    issues: problems.slice(0, 20),
  });
}

/** The answer both SDKs get: Segment's `{ success: true }` and what became of each message. */
function answer(outcome: SdkOutcome) {
  return {
    success: true,
    events: outcome.events,
    profiles: outcome.profiles,
    links: outcome.links,
    duplicates: outcome.duplicates,
    skipped: outcome.skipped,
    // events stored but not processed yet (a server away: retried) or dead-lettered (ops see them)
    pending: outcome.eventOutcomes.filter((o) => o.status !== 'processed').length,
  };
}

/**
 * The Segment and Sensors Data endpoints (outside /api, where their SDKs post): each request is mapped onto
 * SDK items (engine/sdks), checked whole, and applied through the ingest service.
 */
export function sdkRoutes({ db, temporal }: AppDeps, log: Logger) {
  const app = new Hono<AppEnv>();

  async function apply(c: import('hono').Context<AppEnv>, sdk: SdkName, items: SdkItem[]) {
    if (
      items.some((i) => i.kind === 'profile' || i.kind === 'link') &&
      !can(c.get('principal'), 'members.edit')
    )
      throw new AppError(
        'forbidden',
        'profile and identity calls change members: the key needs members.edit',
        {
          permission: 'members.edit',
        },
      );
    try {
      const outcome = await applySdkItems(db, temporal, c.get('workspaceId'), sdk, items);
      if (outcome.skipped.length)
        // what was not kept, and why: ops find it in the log and in yutang_sdk_messages_total
        (c.get('log') ?? log).warn(
          { sdk, skipped: outcome.skipped.slice(0, 20), count: outcome.skipped.length },
          'SDK messages skipped',
        );
      return c.json(answer(outcome));
    } catch (err) {
      if (err instanceof SdkApplyError) {
        const at =
          sdk === 'sensors'
            ? 'data_list'
            : c.req.path.endsWith('/batch') || c.req.path.endsWith('/import')
              ? 'batch'
              : '';
        const field = [at && `${at}.${err.index}`, err.part].filter(Boolean).join('.');
        throw new AppError('invalid_input', `${field}: ${err.message}`, { field });
      }
      throw err;
    }
  }

  /** The JSON body (400 `invalid_json` as Segment answers), its nesting checked before parsing. */
  async function json(c: import('hono').Context<AppEnv>): Promise<unknown> {
    const text = await c.req.text();
    const deep = tooDeepAt(text, BODY_MAX_DEPTH);
    if (deep)
      throw new AppError('invalid_input', `${deep.join('.')}: nested more than ${BODY_MAX_DEPTH} levels`, {
        field: deep.join('.') || 'body',
      });
    try {
      return JSON.parse(text);
    } catch {
      throw new AppError('invalid_json', 'Invalid JSON: the request body is not valid JSON');
    }
  }

  for (const type of SINGLE)
    app.post(
      `/v1/${type}`,
      bodyLimit({
        maxSize: SEGMENT_MESSAGE_MAX_BYTES,
        onError: tooLarge('32 KB (Segment’s limit for one call)'),
      }),
      async (c) => {
        const body = await json(c);
        const mapped = mapSegmentMessages([body], { type, at: '', receivedAt: new Date() });
        if (mapped.problems.length) refuse(mapped.problems);
        return apply(c, 'segment', mapped.items);
      },
    );

  for (const path of ['/v1/batch', '/v1/import'])
    app.post(
      path,
      bodyLimit({ maxSize: SEGMENT_BATCH_MAX_BYTES, onError: tooLarge('500 KB (Segment’s batch limit)') }),
      async (c) => {
        const body = parseOrThrow(segmentBatch, await json(c));
        const mapped = mapSegmentMessages(body.batch, {
          at: 'batch',
          batchSentAt: body.sentAt,
          receivedAt: new Date(),
        });
        if (mapped.problems.length) refuse(mapped.problems);
        return apply(c, 'segment', mapped.items);
      },
    );

  app.post('/sa', bodyLimit({ maxSize: SENSORS_BODY_MAX_BYTES, onError: tooLarge('5 MB') }), async (c) => {
    const q = parseOrThrow(sensorsQuery, c.req.query());
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type.trim()))
      throw new AppError(
        'unsupported_media_type',
        'send the records form-encoded (content-type: application/x-www-form-urlencoded) as Sensors SDKs do: data_list=<base64>&gzip=1',
        { field: 'content-type' },
      );
    let records: unknown[];
    try {
      records = decodeSensorsForm(new URLSearchParams(await c.req.text()));
    } catch (err) {
      if (err instanceof SensorsDecodeError)
        throw new AppError('invalid_input', `${err.field}: ${err.message}`, { field: err.field });
      throw err;
    }
    const mapped = mapSensorsRecords(records, { project: q.project ?? 'default', receivedAt: new Date() });
    if (mapped.problems.length) refuse(mapped.problems);
    return apply(c, 'sensors', mapped.items);
  });

  return app;
}
