import type { Context } from 'hono';
import { z } from 'zod';
import { AppError } from './app-error.js';
import { tooDeepAt } from './json-depth.js';

// ---------------------------------------------------------------------------------------------------------
// Limits. Every route schema is built from the blocks below, so a value that reaches the database is one it
// can hold: Postgres text and jsonb cannot store NUL, jsonb refuses a lone surrogate, integer columns are
// 32-bit, timestamptz ends in year 294276 (and JavaScript dates much earlier than that).
// ---------------------------------------------------------------------------------------------------------

export const INT32_MAX = 2_147_483_647;
/** Properties of an event, attributes of a member, config of a node: serialized JSON, in bytes. */
export const PAYLOAD_MAX_BYTES = 32 * 1024;
/** How deep a free-form payload may nest. */
export const PAYLOAD_MAX_DEPTH = 16;
/** How deep any request body may nest (a journey document is about 8 levels deep). */
export const BODY_MAX_DEPTH = 64;
/** Keys of a free-form payload. */
export const KEY_MAX_LENGTH = 200;

const tooDeepMessage = (maxDepth: number) => `is nested too deeply (at most ${maxDepth} levels)`;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or null when it can. */
export function unstorableText(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired surrogate (not valid Unicode)';
  return null;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Text Postgres can store: at most `max` characters, no NUL, no lone surrogate. `line` also refuses control
 * characters (ids, names, tags: things shown on one line, in URLs and logs).
 */
export function safeText(
  max: number,
  opts: { min?: number; minMessage?: string; trim?: boolean; line?: boolean } = {},
) {
  let s = z.string();
  if (opts.trim) s = s.trim();
  if (opts.min) s = s.min(opts.min, opts.minMessage);
  return s.max(max).superRefine((value, ctx) => {
    const why = unstorableText(value);
    if (why) ctx.addIssue({ code: 'custom', message: why });
    else if (opts.line && CONTROL.test(value))
      ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
  });
}

/** A one-line identifier the caller chooses (member ids, client event ids). */
export const externalId = safeText(128, { min: 1, trim: true, line: true });

/** A key of a payload (an attribute or property name, a consent channel). */
export const payloadKey = safeText(KEY_MAX_LENGTH, { min: 1 }).refine((k) => !RESERVED_KEYS.has(k), {
  message: '__proto__, constructor and prototype are reserved names',
});

/** A number a Postgres `integer` column holds. */
export const int32 = z
  .number()
  .int()
  .min(-INT32_MAX - 1)
  .max(INT32_MAX);

/** A positive whole number in a path or query (e.g. a version), as text. */
export const positiveIntText = z.coerce.number().int().min(1).max(INT32_MAX);

/**
 * A free-form JSON object (event properties, member attributes): at most `maxBytes` serialized, nested at
 * most `maxDepth` deep, keys and strings storable, no reserved keys. The failing place is named in the path.
 */
export function jsonPayload(maxBytes = PAYLOAD_MAX_BYTES, maxDepth = PAYLOAD_MAX_DEPTH) {
  return z.record(payloadKey, z.unknown()).superRefine((value, ctx) => {
    const problem = jsonProblem(value, { maxDepth, checkReservedKeys: true });
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
      return;
    }
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (bytes > maxBytes)
      ctx.addIssue({
        code: 'custom',
        message: `is ${bytes} bytes as JSON; at most ${maxBytes} bytes (${Math.round(maxBytes / 1024)} KB)`,
      });
  });
}

/**
 * The first thing in a parsed JSON value that the database cannot store or that is too deep, with its path.
 * Iterative: a body nested a million levels deep is answered, not a stack overflow.
 */
export function jsonProblem(
  root: unknown,
  opts: { maxDepth: number; checkReservedKeys?: boolean },
): { path: (string | number)[]; message: string } | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const why = unstorableText(value);
      if (why) return { path, message: why };
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { path, message: 'must be a finite number' };
    } else if (value !== null && typeof value === 'object') {
      if (path.length >= opts.maxDepth) return { path, message: tooDeepMessage(opts.maxDepth) };
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
      } else {
        const keys = Object.keys(value);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i];
          const why =
            unstorableText(key) ??
            (key.length > KEY_MAX_LENGTH ? `keys are at most ${KEY_MAX_LENGTH} characters` : null) ??
            (key === '__proto__' || (opts.checkReservedKeys && RESERVED_KEYS.has(key))
              ? `"${key}" is a reserved name`
              : null);
          if (why) return { path: [...path, key], message: `key ${why}` };
          stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
        }
      }
    }
  }
  return null;
}

const EARLIEST = Date.UTC(1970, 0, 1);
const FUTURE_SLACK_MS = 24 * 3_600_000;

/**
 * A moment something happened: an ISO 8601 string or epoch milliseconds, not before 1970 and not more than a
 * day in the future (clocks drift; an event from next year is a mistake). Always inside Postgres' range.
 */
export const pastInstant = z.union([safeText(64), z.number()]).transform((v, ctx) => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'not a date: use ISO 8601, e.g. 2025-05-01T10:00:00+08:00' });
    return z.NEVER;
  }
  if (d.getTime() < EARLIEST || d.getTime() > Date.now() + FUTURE_SLACK_MS) {
    ctx.addIssue({ code: 'custom', message: 'must be between 1970 and now' });
    return z.NEVER;
  }
  return d;
});

// ---------------------------------------------------------------------------------------------------------
// Parsing requests
// ---------------------------------------------------------------------------------------------------------

function invalid(error: z.ZodError, prefix = ''): AppError {
  const issues = error.issues.map((i) => ({
    field: prefix + i.path.map(String).join('.'),
    message: i.message,
  }));
  const first = issues[0];
  return new AppError('invalid_input', first.field ? `${first.field}: ${first.message}` : first.message, {
    field: first.field || undefined,
    issues: issues.slice(0, 20),
  });
}

/** Parse a value with a schema or throw a 400 naming the failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(result.error, prefix);
  return result.data;
}

/**
 * The JSON body, parsed with `schema`. Before the schema sees it, the whole body is checked for what no route
 * can store — NUL, lone surrogates, `__proto__` keys, nesting deeper than BODY_MAX_DEPTH — so a schema that
 * forgets a limit still cannot reach a database error. The depth is checked on the text, before parsing: a
 * body nested millions deep is refused at its 65th bracket instead of being parsed and walked first.
 */
export async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  const text = await c.req.text();
  const deep = tooDeepAt(text, BODY_MAX_DEPTH);
  if (deep) throw bodyProblem({ path: deep, message: tooDeepMessage(BODY_MAX_DEPTH) });
  if (text.trim() === '') raw = {};
  else {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AppError('invalid_json', 'the request body is not valid JSON');
    }
  }
  const problem = jsonProblem(raw, { maxDepth: BODY_MAX_DEPTH });
  if (problem) throw bodyProblem(problem);
  return parseOrThrow(schema, raw);
}

function bodyProblem(problem: { path: (string | number)[]; message: string }): AppError {
  const field = problem.path.map(String).join('.');
  return new AppError('invalid_input', field ? `${field}: ${problem.message}` : problem.message, {
    field: field || undefined,
    issues: [{ field, message: problem.message }],
  });
}

export function query<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseOrThrow(schema, c.req.query());
}

/** Ids in paths: a malformed one is simply a thing that does not exist (404), never a database error. */
export function uuidParam(c: Context, name: string, what: string): string {
  const value = c.req.param(name);
  if (!value || !z.uuid().safeParse(value).success) throw new AppError('not_found', `${what} not found`);
  return value;
}

/** A member's external id in a path: one that cannot exist (too long, NUL…) is not found, not a 500. */
export function externalIdParam(c: Context, name: string, what = 'member'): string {
  const result = externalId.safeParse(c.req.param(name));
  if (!result.success) throw new AppError('not_found', `${what} not found`);
  return result.data;
}
