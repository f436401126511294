import { z } from 'zod';
import { pastInstant, safeText } from '../api/validate.js';

/**
 * What an SDK's profile call does to a member, whichever SDK sent it. Traits (Segment) and profile properties
 * (Sensors) with a name Yutang keeps in a column become that field; everything else is an attribute.
 */
export interface ProfileFields {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  timezone?: string | null;
  /** when they registered with the brand ("registered N days ago" audiences): the member's created_at */
  registeredAt?: Date;
}
export type FieldName = keyof ProfileFields;

export type ProfileOp =
  /** Segment identify, Sensors profile_set: fields and attributes replace */
  | { kind: 'set'; fields: ProfileFields; attributes: Record<string, unknown> }
  /** Sensors profile_set_once: only what the member does not have yet */
  | { kind: 'set_once'; fields: ProfileFields; attributes: Record<string, unknown> }
  /** Sensors profile_increment: numbers added (a missing attribute counts from 0) */
  | { kind: 'increment'; attributes: Record<string, number> }
  /** Sensors profile_append: strings added to list attributes, each once */
  | { kind: 'append'; attributes: Record<string, string[]> }
  /** Sensors profile_unset */
  | { kind: 'unset'; fields: FieldName[]; attributes: string[] };

export interface StoredProfile {
  name: string | null;
  phone: string | null;
  email: string | null;
  timezone: string | null;
  registeredAt: Date;
  attributes: Record<string, unknown>;
}

/** The SDK names each member field goes by (README: Event SDKs, the mapping table). */
export const FIELD_KEYS: Record<FieldName, readonly string[]> = {
  name: ['name', '$name'],
  phone: ['phone', '$phone', 'mobile', '$mobile'],
  email: ['email', '$email'],
  timezone: ['timezone', '$timezone'],
  registeredAt: ['createdAt', 'created_at', '$signup_time'],
};
const FIELD_OF = new Map(
  Object.entries(FIELD_KEYS).flatMap(([field, keys]) => keys.map((k) => [k, field as FieldName])),
);

const timezone = safeText(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not an IANA time zone, e.g. Asia/Shanghai');

/** The member API's own limits for each field (engine/api/routes/members.routes.ts). */
const FIELD_SCHEMA: Record<FieldName, z.ZodType> = {
  name: safeText(200, { line: true }).nullable(),
  phone: safeText(40, { line: true }).nullable(),
  email: z.email().max(254).nullable(),
  timezone: timezone.nullable(),
  registeredAt: pastInstant,
};

export interface Problem {
  /** where in the request, e.g. `batch.2.traits.email` */
  field: string;
  message: string;
}

/**
 * Traits or profile properties split into member fields and attributes, each field checked like the member
 * API checks it. `$`-prefixed SDK bookkeeping that says nothing about the person is dropped.
 */
export function splitTraits(
  traits: Record<string, unknown>,
  at: string,
  problems: Problem[],
): { fields: ProfileFields; attributes: Record<string, unknown> } {
  const fields: ProfileFields = {};
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(traits)) {
    if (SDK_BOOKKEEPING.has(key)) continue;
    const field = FIELD_OF.get(key);
    if (!field) {
      attributes[key] = value;
      continue;
    }
    const parsed = FIELD_SCHEMA[field].safeParse(value);
    if (!parsed.success) {
      problems.push({ field: `${at}.${key}`, message: parsed.error.issues[0].message });
      continue;
    }
    (fields as Record<string, unknown>)[field] = parsed.data;
  }
  return { fields, attributes };
}

/** Properties SDKs add to every call about themselves, not about the member. */
export const SDK_BOOKKEEPING = new Set([
  '$is_login_id',
  '$lib',
  '$lib_version',
  '$lib_method',
  '$lib_detail',
]);

/** Where a profile key lands: a field's name, or null for an attribute. */
export function fieldOf(key: string): FieldName | null {
  return FIELD_OF.get(key) ?? null;
}

/** Why an op cannot apply to the member as stored (an increment of a text attribute), by attribute key. */
export class ProfileConflict extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The member after `ops`, in order. Pure: the service reads the member (locked), applies, and writes back.
 * Throws ProfileConflict when an increment meets a non-number or an append a non-list.
 */
export function applyProfileOps(current: StoredProfile, ops: ProfileOp[]): StoredProfile {
  const next: StoredProfile = { ...current, attributes: { ...current.attributes } };
  const setField = (field: FieldName, value: unknown, once: boolean) => {
    if (field === 'registeredAt') {
      // A member is created (created_at = now) by the first call that names them, so "once" cannot ask
      // whether a time was ever given: it keeps the earlier of the two, as a first-visit time would.
      if (value instanceof Date && (!once || value < next.registeredAt)) next.registeredAt = value;
      return;
    }
    if (once && next[field] !== null) return;
    next[field] = (value as string | null) ?? null;
  };
  for (const op of ops) {
    switch (op.kind) {
      case 'set':
      case 'set_once': {
        const once = op.kind === 'set_once';
        for (const [field, value] of Object.entries(op.fields)) setField(field as FieldName, value, once);
        for (const [key, value] of Object.entries(op.attributes))
          if (!once || !Object.hasOwn(next.attributes, key)) next.attributes[key] = value;
        break;
      }
      case 'increment':
        for (const [key, by] of Object.entries(op.attributes)) {
          const was = Object.hasOwn(next.attributes, key) ? next.attributes[key] : 0;
          if (typeof was !== 'number')
            throw new ProfileConflict(key, `cannot add to "${key}": the member's value is not a number`);
          const sum = was + by;
          if (!Number.isFinite(sum)) throw new ProfileConflict(key, `"${key}" would not be a finite number`);
          next.attributes[key] = sum;
        }
        break;
      case 'append':
        for (const [key, values] of Object.entries(op.attributes)) {
          const was = Object.hasOwn(next.attributes, key) ? next.attributes[key] : [];
          if (!Array.isArray(was))
            throw new ProfileConflict(key, `cannot append to "${key}": the member's value is not a list`);
          next.attributes[key] = [...was, ...values.filter((v) => !was.includes(v))].filter(
            (v, i, all) => all.indexOf(v) === i,
          );
        }
        break;
      case 'unset':
        for (const field of op.fields) if (field !== 'registeredAt') next[field] = null;
        for (const key of op.attributes) delete next.attributes[key];
        break;
    }
  }
  return next;
}
