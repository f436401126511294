import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { tooDeepAt } from '../api/json-depth.js';
import { BODY_MAX_DEPTH, externalId, jsonPayload, safeText } from '../api/validate.js';
import {
  type FieldName,
  fieldOf,
  type Problem,
  type ProfileOp,
  SDK_BOOKKEEPING,
  splitTraits,
} from './profile.js';
import { EVENT_NAME, type MappedRequest, type SdkItem, type Who } from './sdk-items.js';

/** A request's records, unzipped: bounded so a small gzip body cannot unfold into gigabytes. */
export const SENSORS_DECODED_MAX_BYTES = 5 * 1024 * 1024;
export const SENSORS_MAX_RECORDS = 1000;
/** One record, as JSON: the same 32 KB as one Segment message or one event's properties. */
export const SENSORS_RECORD_MAX_BYTES = 32 * 1024;

/** A Sensors project name (`?project=`): what the SDKs and the Sensors console allow. */
export const sensorsProject = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
    'a project name is letters, digits and _ (e.g. default, production)',
  );

export class SensorsDecodeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The records of a Sensors request body (form-encoded, as every Sensors SDK sends it): `data_list` (a batch)
 * or `data` (one record or a list), base64 of JSON, gzipped when `gzip=1`.
 */
export function decodeSensorsForm(form: URLSearchParams): unknown[] {
  const field = form.has('data_list') ? 'data_list' : form.has('data') ? 'data' : null;
  if (!field)
    throw new SensorsDecodeError('data_list', 'send data_list (or data): base64 of the JSON records');
  const encoded = (form.get(field) ?? '').trim();
  if (!encoded || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(encoded.replace(/\s+/g, '')))
    throw new SensorsDecodeError(field, 'is not base64');
  const gzip = form.get('gzip') ?? '0';
  if (gzip !== '0' && gzip !== '1') throw new SensorsDecodeError('gzip', 'gzip is 1 or 0');
  const raw = Buffer.from(
    encoded.replace(/\s+/g, ''),
    encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64',
  );
  let bytes: Buffer;
  if (gzip === '1') {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: SENSORS_DECODED_MAX_BYTES });
    } catch (err) {
      throw new SensorsDecodeError(
        field,
        (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
          ? `unzips to more than ${SENSORS_DECODED_MAX_BYTES / 1024 / 1024} MB`
          : 'is not gzip (gzip=1)',
      );
    }
  } else {
    bytes = raw;
  }
  if (bytes.length > SENSORS_DECODED_MAX_BYTES)
    throw new SensorsDecodeError(field, `is more than ${SENSORS_DECODED_MAX_BYTES / 1024 / 1024} MB`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SensorsDecodeError(field, 'is not base64 of UTF-8 JSON');
  }
  // nesting is judged on the text, before parsing (as for every JSON body: engine/api/json-depth.ts)
  const deep = tooDeepAt(text, BODY_MAX_DEPTH);
  if (deep)
    throw new SensorsDecodeError(`${field}.${deep.join('.')}`, `nested more than ${BODY_MAX_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SensorsDecodeError(field, 'is not base64 of UTF-8 JSON');
  }
  const records = Array.isArray(parsed) ? parsed : [parsed];
  if (!records.length) throw new SensorsDecodeError(field, 'holds no record');
  if (records.length > SENSORS_MAX_RECORDS)
    throw new SensorsDecodeError(
      field,
      `holds ${records.length} records; at most ${SENSORS_MAX_RECORDS} a request`,
    );
  return records;
}

const sensorsId = z.union([z.string(), z.number().int().safe()]).transform((v) => String(v).trim());

/** The fields of a Sensors record Yutang reads (https://manual.sensorsdata.cn: 数据格式); loose like Segment's. */
export const sensorsRecord = z.looseObject({
  type: z.string().max(40),
  event: z.string().max(100).optional(),
  time: z.number().optional(),
  distinct_id: sensorsId.optional(),
  original_id: sensorsId.optional(),
  login_id: sensorsId.optional(),
  anonymous_id: sensorsId.optional(),
  identities: z.record(safeText(100), z.union([z.string(), z.number()])).optional(),
  properties: jsonPayload().optional(),
  _track_id: z.union([z.number(), z.string().max(64)]).optional(),
  project: z.string().max(100).optional(),
});

export const SENSORS_TYPES = [
  'track',
  'track_signup',
  'profile_set',
  'profile_set_once',
  'profile_increment',
  'profile_append',
  'profile_unset',
  'track_id_bind',
  // accepted, not kept (skipped with the reason)
  'profile_delete',
  'item_set',
  'item_delete',
  'track_id_unbind',
] as const;

const SKIPPED: Record<string, string> = {
  profile_delete:
    'profile_delete is not applied: erasing a member is a data-rights request (DELETE /api/members/:id, audited)',
  item_set: 'items (item_set) are catalogue data, not members: not kept',
  item_delete: 'items (item_delete) are catalogue data, not members: not kept',
  track_id_unbind: 'track_id_unbind is not applied: Yutang keeps the link until the member is erased',
};

const EARLIEST = Date.UTC(1970, 0, 1);
const FUTURE_SLACK_MS = 24 * 3_600_000;

/**
 * Whom a record is about. A login id, wherever the SDK puts it (`identities.$identity_login_id`, `login_id`,
 * or `distinct_id` with `$is_login_id: true`), is the member's external id. A record that says it is
 * anonymous (`$is_login_id: false`, identities without a login id, `anonymous_id` = `distinct_id`) names a
 * device; anything else — what server SDKs such as sa-sdk-node send — takes `distinct_id` as the member id.
 */
export function sensorsWho(r: z.output<typeof sensorsRecord>): {
  who: Who | null;
  device: string | null;
} {
  const props = r.properties ?? {};
  const identities = r.identities ?? {};
  const loginFromIdentities = identities.$identity_login_id;
  const login =
    (loginFromIdentities !== undefined ? String(loginFromIdentities).trim() : undefined) ??
    r.login_id ??
    (props.$is_login_id === true ? r.distinct_id : undefined);
  const deviceRaw =
    r.anonymous_id ??
    identities.$identity_anonymous_id ??
    identities.$identity_cookie_id ??
    identities.$identity_android_id ??
    identities.$identity_ios_idfv ??
    identities.$identity_mp_openid ??
    (login !== undefined && r.distinct_id !== login ? r.distinct_id : undefined);
  const device = deviceRaw !== undefined ? String(deviceRaw).trim() : null;
  if (login) return { who: { kind: 'member', externalId: login }, device: device !== login ? device : null };
  const anonymous =
    props.$is_login_id === false ||
    Object.keys(identities).length > 0 ||
    (r.anonymous_id !== undefined && r.anonymous_id === r.distinct_id);
  const distinct = r.distinct_id ?? device;
  if (!distinct) return { who: null, device: null };
  return anonymous
    ? { who: { kind: 'anonymous', id: distinct }, device: null }
    : { who: { kind: 'member', externalId: distinct }, device: null };
}

/** The idempotency id of a record: Sensors' `_track_id` is random per call, so it is taken with who and when. */
function recordId(r: z.output<typeof sensorsRecord>): string | undefined {
  if (r._track_id === undefined) return undefined;
  const digest = createHash('sha256')
    .update(JSON.stringify([r.type, r.distinct_id ?? '', r.event ?? '', r.time ?? '', String(r._track_id)]))
    .digest('hex')
    .slice(0, 40);
  return `sa:${digest}`;
}

/** Profile properties without the SDK's bookkeeping; `$`-prefixed preset properties are kept as attributes. */
function profileProps(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([k]) => !SDK_BOOKKEEPING.has(k)));
}

/**
 * Sensors records as SDK items, every record checked before anything is written (one bad record refuses the
 * request: 400 naming `data_list.N.field`). `project` is recorded on each event as `$project`.
 */
export function mapSensorsRecords(
  raws: unknown[],
  opts: { project: string; receivedAt: Date },
): MappedRequest {
  const items: SdkItem[] = [];
  const problems: Problem[] = [];
  raws.forEach((raw, index) => {
    const at = `data_list.${index}`;
    const f = (name: string) => `${at}.${name}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push({ field: at, message: 'a record is a JSON object' });
      return;
    }
    const bytes = Buffer.byteLength(JSON.stringify(raw));
    if (bytes > SENSORS_RECORD_MAX_BYTES) {
      problems.push({ field: at, message: `is ${bytes} bytes; a record is at most 32 KB` });
      return;
    }
    const parsed = sensorsRecord.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({ field: f(issue.path.map(String).join('.')), message: issue.message });
      return;
    }
    const r = parsed.data;
    if (!(SENSORS_TYPES as readonly string[]).includes(r.type)) {
      problems.push({
        field: f('type'),
        message: `unknown type ${JSON.stringify(r.type)}: track, track_signup, profile_set, profile_set_once, profile_increment, profile_append, profile_unset, track_id_bind`,
      });
      return;
    }
    if (SKIPPED[r.type]) {
      items.push({ kind: 'skip', index, type: r.type, reason: 'unsupported_type', message: SKIPPED[r.type] });
      return;
    }
    const { who, device } = sensorsWho(r);
    if (!who) {
      problems.push({ field: f('distinct_id'), message: 'distinct_id is required' });
      return;
    }
    const idProblem = (value: string, name: string) => {
      const check = externalId.safeParse(value);
      if (!check.success) problems.push({ field: f(name), message: check.error.issues[0].message });
      return !check.success;
    };
    if (idProblem(who.kind === 'member' ? who.externalId : who.id, 'distinct_id')) return;
    if (device && idProblem(device, 'anonymous_id')) return;
    const props = r.properties ?? {};
    const receipt = recordId(r);

    // the device the member signed in on (a login id and an anonymous id in one record) is theirs
    if (who.kind === 'member' && device)
      items.push({ kind: 'link', index, identity: device, externalId: who.externalId });

    if (r.type === 'track_signup' || r.type === 'track_id_bind') {
      if (who.kind !== 'member') {
        problems.push({ field: f('distinct_id'), message: `${r.type} names the login id` });
        return;
      }
      const original = r.original_id;
      if (r.type === 'track_signup' && !original) {
        problems.push({
          field: f('original_id'),
          message: 'track_signup names the anonymous id as original_id',
        });
        return;
      }
      if (original && idProblem(original, 'original_id')) return;
      if (original && original !== who.externalId)
        items.push({ kind: 'link', index, identity: original, externalId: who.externalId });
      if (r.type === 'track_id_bind') return;
    }

    if (r.type === 'track' || r.type === 'track_signup') {
      const name = r.type === 'track_signup' ? (r.event ?? '$SignUp') : r.event;
      if (!name || !EVENT_NAME.test(name)) {
        problems.push({
          field: f('event'),
          message: name ? 'letters, digits, _ . : - $ only' : 'a track record names its event',
        });
        return;
      }
      const time = r.time ?? opts.receivedAt.getTime();
      if (time < EARLIEST || time > opts.receivedAt.getTime() + FUTURE_SLACK_MS) {
        problems.push({ field: f('time'), message: 'must be epoch milliseconds between 1970 and now' });
        return;
      }
      const properties = { ...props, $project: opts.project };
      if (Buffer.byteLength(JSON.stringify(properties)) > SENSORS_RECORD_MAX_BYTES) {
        problems.push({ field: f('properties'), message: 'passes 32 KB' });
        return;
      }
      items.push({ kind: 'event', index, who, name, properties, occurredAt: new Date(time), id: receipt });
      return;
    }

    // profile_*
    const attrs = profileProps(props);
    let op: ProfileOp;
    switch (r.type) {
      case 'profile_set':
      case 'profile_set_once':
        op = {
          kind: r.type === 'profile_set' ? 'set' : 'set_once',
          ...splitTraits(attrs, f('properties'), problems),
        };
        break;
      case 'profile_increment': {
        const bad = Object.entries(attrs).find(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
        const field = bad ? null : Object.keys(attrs).find((k) => fieldOf(k));
        if (bad || field) {
          problems.push({
            field: f(`properties.${bad ? bad[0] : field}`),
            message: bad ? 'profile_increment adds numbers' : 'a member field cannot be incremented',
          });
          return;
        }
        op = { kind: 'increment', attributes: attrs as Record<string, number> };
        break;
      }
      case 'profile_append': {
        const bad = Object.entries(attrs).find(
          ([k, v]) => fieldOf(k) || !Array.isArray(v) || v.some((x) => typeof x !== 'string'),
        );
        if (bad) {
          problems.push({
            field: f(`properties.${bad[0]}`),
            message: 'profile_append adds a list of strings to a list attribute',
          });
          return;
        }
        op = { kind: 'append', attributes: attrs as Record<string, string[]> };
        break;
      }
      default: {
        // profile_unset: the keys to remove (Sensors sends `{key: true}`)
        const keys = Object.keys(attrs);
        const fields = keys.map(fieldOf).filter((x): x is FieldName => x !== null);
        op = { kind: 'unset', fields, attributes: keys.filter((k) => !fieldOf(k)) };
      }
    }
    items.push({ kind: 'profile', index, who, op, receipt });
  });
  return { items, problems };
}
