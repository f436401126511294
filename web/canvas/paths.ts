import type { JsonSchema } from '../api/types';

/** Reads a dotted path (`timeout.amount`) from a config object. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Returns a copy of `obj` with `path` set to `value`; creates objects on the way. Arrays stay arrays. */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const parts = path.split('.').filter(Boolean);
  if (parts.length === 0) return value as T;
  const [head, ...rest] = parts;
  const base: Record<string, unknown> | unknown[] = Array.isArray(obj)
    ? [...obj]
    : { ...((obj as Record<string, unknown>) ?? {}) };
  const child = (base as Record<string, unknown>)[head];
  const next = rest.length
    ? setPath(child ?? (/^\d+$/.test(rest[0]) ? [] : {}), rest.join('.'), value)
    : value;
  if (next === undefined && !Array.isArray(base)) delete (base as Record<string, unknown>)[head];
  else (base as Record<string, unknown>)[head] = next;
  return base as T;
}

/**
 * The sub-schema at a dotted path; array indexes walk into `items`, and a union (`oneOf`/`anyOf`, e.g. an
 * exit criterion's kinds or a nullable group) is searched for the first alternative that has the property.
 */
export function schemaAt(schema: JsonSchema | undefined, path: string): JsonSchema | undefined {
  let cur = schema;
  for (const part of path.split('.').filter(Boolean)) {
    if (!cur) return undefined;
    if (/^\d+$/.test(part) && cur.items) cur = cur.items;
    else cur = propertyOf(cur, part);
  }
  return cur;
}

function propertyOf(schema: JsonSchema, key: string): JsonSchema | undefined {
  if (schema.properties?.[key]) return schema.properties[key];
  for (const alt of schema.oneOf ?? schema.anyOf ?? []) {
    const found = propertyOf(alt, key);
    if (found) return found;
  }
  return undefined;
}
