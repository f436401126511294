import type { Context } from 'hono';
import { z } from 'zod';
import { AppError } from './app-error.js';

function invalid(error: z.ZodError, prefix = ''): AppError {
  const issues = error.issues.map((i) => ({
    field: prefix + i.path.map(String).join('.'),
    message: i.message,
  }));
  const first = issues[0];
  return new AppError('invalid_input', first.field ? `${first.field}: ${first.message}` : first.message, {
    field: first.field || undefined,
    issues,
  });
}

/** Parse a value with a schema or throw a 400 naming the failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(result.error, prefix);
  return result.data;
}

export async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  const text = await c.req.text();
  if (text.trim() === '') raw = {};
  else {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AppError('invalid_json', 'the request body is not valid JSON');
    }
  }
  return parseOrThrow(schema, raw);
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

export const externalId = z.string().trim().min(1).max(128);
