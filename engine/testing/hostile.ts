import fc from 'fast-check';

/**
 * Hostile input for the API, generated from the routes' own schemas (as JSON Schema): values shaped like the
 * schema with hostile leaves, values of the wrong shape, and raw text no schema expects.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  maxLength?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
  [k: string]: unknown;
};

/** A JSON token a JavaScript value cannot express (1e400 parses as Infinity), spliced into the body text. */
export class RawJson {
  constructor(readonly text: string) {}
}

export const hostileStrings: string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  '\uDBFF\uDFFF',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../',
  '../../etc/passwd',
  '..%2F..%2F',
  '%00',
  '<script>alert(1)</script>',
  "'; drop table runs; --",
  '{{member.constructor}}',
  `{{${' '.repeat(3000)}`,
  'x'.repeat(10_000),
  '王'.repeat(5_000),
  '🐟'.repeat(3_000),
  '\u202Eevil\u202C',
  '\t\n\r\v\f',
  '\u0007\u001b[31m\u007f\u0085',
  'null',
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  '9999-99-99',
  '0000-01-01',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '275760-09-13',
  '2024-02-30T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'Asia/Shanghai',
  'Mars/Olympus',
];

export const hostileNumbers: unknown[] = [
  0,
  -0,
  -1,
  1,
  0.5,
  1e308,
  -1e308,
  5e-324,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  8.64e15,
  8.64e15 + 1,
  -8.64e15 - 1,
  3650,
  3651,
  1e9,
  new RawJson('1e400'),
  new RawJson('-1e400'),
  new RawJson('123456789012345678901234567890123456789'),
  new RawJson('1.5e-400'),
];

/** What Postgres cannot store (NUL) and what is not Unicode at all (lone surrogates): the likeliest 500s. */
const unstorableStrings = ['\u0000', 'a\u0000b', '\uD800', 'x\uDC00y', 'ok\uDBFF'];
const hostileString = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...unstorableStrings) },
  { weight: 3, arbitrary: fc.constantFrom(...hostileStrings) },
);
const hostileNumber = fc.constantFrom(...hostileNumbers);

/** Keys that trip up code which treats objects as maps. */
const hostileKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    '',
    '\u0000',
    '\uD800',
    'k'.repeat(300),
  ),
  fc.string({ maxLength: 8 }),
);

/** Nesting `depth` levels deep, built without recursion. */
export function nested(depth: number, kind: 'object' | 'array'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}

const deep = fc
  .tuple(fc.constantFrom(17, 65, 200, 5_000), fc.constantFrom<'object' | 'array'>('object', 'array'))
  .map(([d, k]) => nested(d, k));

/** Any JSON, with hostile leaves and keys, sometimes nested thousands of levels deep. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
    deep,
  ),
})).value;

/** A body nested 2,000,000 deep (4 MB): refused on its text, before anything parses it (README: Security). */
export const deepestBody = `${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}`;

const DAY = 86_400_000;
type Rule = Record<string, unknown>;
const tagLeaf = (i: number): Rule => ({ kind: 'tag', op: 'has', tag: `t${i}` });
/** The costliest leaf the schema allows: a sum over events, each checked against up to ten filters. */
const sumLeaf = (filters: number): Rule => ({
  kind: 'event_sum',
  event: 'order_paid',
  property: 'amount',
  where: Array.from({ length: filters }, (_, i) => ({ property: `p${i}`, op: 'gte', value: i })),
  days: 3650,
  op: 'gte',
  value: 1e9,
});
const group = (rules: Rule[], kind = 'any'): Rule => ({ kind, rules });

/**
 * Audience rules at and past the limits on their size: around 50 leaves, leaves of ten and eleven filters,
 * rules whose SQL would bind tens of thousands of parameters (past Postgres' 65,535 too), groups nested one
 * level too deep. Each must be answered (a count, or a 4xx naming the leaf), never a 5xx.
 */
export const largeRule: fc.Arbitrary<Rule> = fc.oneof(
  fc.integer({ min: 45, max: 60 }).map((n) => group(Array.from({ length: n }, (_, i) => tagLeaf(i)))),
  fc.tuple(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 1, max: 4 })).map(([n, groups]) =>
    group(
      Array.from({ length: groups }, () =>
        group(
          Array.from({ length: n }, () => sumLeaf(10)),
          'all',
        ),
      ),
    ),
  ),
  fc.constant(group(Array.from({ length: 6 }, () => group(Array.from({ length: 50 }, () => sumLeaf(10)))))),
  fc.constant(group([sumLeaf(11)])),
  fc.integer({ min: 5, max: 8 }).map((depth) => {
    let r: Rule = sumLeaf(10);
    for (let i = 0; i < depth; i++) r = group([r, tagLeaf(i)], i % 2 ? 'all' : 'any');
    return r;
  }),
);

/** trigger → n tag nodes → a wait of a day → back to the first: n + 1 steps for every simulated day. */
export function loopDocument(n: number) {
  const nodes = [{ id: 't', type: 'trigger.event', position: { x: 0, y: 0 }, data: { event: 'loop' } }];
  const edges = [{ id: 't-n0', source: 't', sourceHandle: 'next', target: 'n0' }];
  for (let i = 0; i < n; i++) {
    nodes.push({
      id: `n${i}`,
      type: 'tag',
      position: { x: 0, y: i },
      data: { add: [`tag${i % 7}`] } as never,
    });
    if (i) edges.push({ id: `n${i - 1}-n${i}`, source: `n${i - 1}`, sourceHandle: 'next', target: `n${i}` });
  }
  nodes.push({
    id: 'w',
    type: 'wait.duration',
    position: { x: 0, y: n },
    data: { amount: 1, unit: 'days' } as never,
  });
  edges.push(
    { id: `n${n - 1}-w`, source: `n${n - 1}`, sourceHandle: 'next', target: 'w' },
    { id: 'w-n0', source: 'w', sourceHandle: 'next', target: 'n0' },
  );
  return { nodes, edges };
}

/**
 * Simulations at and past their limits: loops of 2 to 493 nodes over up to ten years (past the step limit,
 * past the time limit), the most events a request may carry and one more, the farthest start. Each must be
 * answered (a timeline, or a 4xx), never a 5xx, and never by holding the event loop.
 */
export const heavySimulation: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    document: fc.constantFrom(loopDocument(2), loopDocument(60), loopDocument(493)),
    horizonDays: fc.constantFrom(30, 365, 3660),
    startAt: fc.constantFrom('2000-01-01T00:00:00Z', '2099-12-31T16:00:00Z', '2100-01-01T00:00:00Z'),
    events: fc.constantFrom(200, 201).chain((n) =>
      fc.constantFrom(
        Array.from({ length: n }, (_, i) => ({ name: 'loop', afterMs: i * DAY })),
        Array.from({ length: n }, () => ({ name: 'other', after: { amount: 3660, unit: 'days' } })),
      ),
    ),
  },
  { requiredKeys: ['document', 'horizonDays'] },
);

export interface GenContext {
  root: JsonSchema;
  /** strings worth trying where a schema wants text: ids of rows that exist, names the app knows */
  vocabulary: string[];
  /** a generator for the object at a property path (e.g. `document.nodes[]`), instead of the schema's */
  special?: (path: string) => fc.Arbitrary<unknown> | undefined;
}

/**
 * Values for a JSON Schema: mostly the shape it asks for with hostile leaves, now and then the wrong thing
 * altogether — every level may be replaced by any hostile JSON.
 */
export function fromSchema(schema: JsonSchema, ctx: GenContext, path = '', depth = 0): fc.Arbitrary<unknown> {
  const special = ctx.special?.(path);
  if (special) return special;
  const shaped = shapedFromSchema(schema, ctx, path, depth);
  return fc.oneof({ weight: 40, arbitrary: shaped }, { weight: 1, arbitrary: hostileJson });
}

function shapedFromSchema(
  schema: JsonSchema,
  ctx: GenContext,
  path: string,
  depth: number,
): fc.Arbitrary<unknown> {
  if (schema.$ref) return fromSchema(resolveRef(schema.$ref, ctx.root), ctx, path, depth);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => fromSchema(s, ctx, path, depth)));
  if (schema.allOf?.length) return fromSchema(Object.assign({}, ...schema.allOf), ctx, path, depth);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...schema.enum) }, hostileString);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1)
    return fc.oneof(...types.map((t) => shapedFromSchema({ ...schema, type: t }, ctx, path, depth)));
  switch (types[0]) {
    case 'object':
      return objectFrom(schema, ctx, path, depth);
    case 'array': {
      if (depth > 6) return fc.constant([]);
      const items = schema.items ?? {};
      const max = Math.min(schema.maxItems ?? 4, 4);
      const normal = fc.array(fromSchema(items, ctx, `${path}[]`, depth + 1), { maxLength: max });
      // just over the limit, when there is one small enough to try
      const over =
        schema.maxItems !== undefined && schema.maxItems < 3000
          ? fc.constant(Array.from({ length: schema.maxItems + 1 }, () => 'x'))
          : normal;
      return fc.oneof({ weight: 15, arbitrary: normal }, { weight: 1, arbitrary: over });
    }
    case 'string':
      return stringFrom(schema, ctx);
    case 'integer':
    case 'number':
      return numberFrom(schema, types[0] === 'integer');
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return hostileJson;
  }
}

function objectFrom(schema: JsonSchema, ctx: GenContext, path: string, depth: number): fc.Arbitrary<unknown> {
  const props = schema.properties ?? {};
  const keys = Object.keys(props);
  if (keys.length === 0 || depth > 6) {
    // a map (attributes, properties, config): ordinary entries mostly, else hostile keys and any values
    const ordinary = fc.dictionary(
      fc.constantFrom(...ctx.vocabulary, 'city', 'level'),
      fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean()),
      { maxKeys: 3 },
    );
    const hostile = fc.dictionary(fc.oneof(hostileKey, fc.constantFrom(...ctx.vocabulary)), hostileJson, {
      maxKeys: 5,
    });
    return fc.oneof({ weight: 3, arbitrary: ordinary }, { weight: 1, arbitrary: hostile });
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of keys) model[k] = fromSchema(props[k], ctx, path ? `${path}.${k}` : k, depth + 1);
  const required = (schema.required ?? []).filter((k) => k in props);
  const shaped = fc.record(model, { requiredKeys: required });
  // and sometimes a key the schema does not know, named to trip up object-as-map code
  return fc.oneof(
    { weight: 15, arbitrary: shaped },
    {
      weight: 1,
      arbitrary: fc.tuple(shaped, hostileKey, hostileJson).map(([o, k, v]) => {
        const copy = copyContainer(o);
        define(copy, k, v);
        return copy;
      }),
    },
  );
}

function stringFrom(schema: JsonSchema, ctx: GenContext): fc.Arbitrary<unknown> {
  // text the schema accepts, mostly: its format or pattern, a word the app knows, or any short text
  const valid: fc.Arbitrary<string>[] = [];
  if (schema.format === 'uuid') valid.push(fc.uuid(), fc.constantFrom(...ctx.vocabulary));
  else if (schema.format === 'email') valid.push(fc.emailAddress());
  else if (schema.format === 'date-time')
    valid.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
  else if (schema.pattern)
    valid.push(
      fc.stringMatching(new RegExp(schema.pattern)).filter((v) => v.length <= (schema.maxLength ?? 100)),
      fc.constantFrom(...ctx.vocabulary),
    );
  else valid.push(fc.constantFrom(...ctx.vocabulary), fc.string({ minLength: 1, maxLength: 20 }));
  const over =
    schema.maxLength !== undefined && schema.maxLength < 100_000
      ? fc.constant('y'.repeat(schema.maxLength + 1))
      : hostileString;
  return fc.oneof(
    { weight: 10, arbitrary: fc.oneof(...valid) },
    { weight: 4, arbitrary: hostileString },
    { weight: 1, arbitrary: over },
    { weight: 1, arbitrary: hostileNumber },
  );
}

function numberFrom(schema: JsonSchema, integer: boolean): fc.Arbitrary<unknown> {
  const min = schema.minimum ?? schema.exclusiveMinimum ?? -1e6;
  const max = schema.maximum ?? schema.exclusiveMaximum ?? 1e6;
  const lo = Math.max(min, -(2 ** 31));
  const hi = Math.min(max, 2 ** 31 - 1);
  const valid =
    integer && Math.ceil(lo) <= Math.floor(hi)
      ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) })
      : !integer && lo <= hi
        ? fc.double({ min: lo, max: hi, noNaN: true })
        : hostileNumber;
  return fc.oneof(
    { weight: 12, arbitrary: valid },
    { weight: 2, arbitrary: hostileNumber },
    { weight: 1, arbitrary: fc.constant(min - 1) },
    { weight: 1, arbitrary: fc.constant(max + 1) },
  );
}

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  // zod's refs: '#' (the root, recursive schemas) and '#/$defs/<name>'
  if (ref === '#') return root;
  const name = ref.replace(/^#\/\$defs\//, '');
  return root.$defs?.[name] ?? {};
}

/** JSON text for a value, with RawJson tokens spliced in; iterative, so any depth serializes. */
export function toJsonText(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  const CLOSE_OBJECT = Symbol('}');
  const CLOSE_ARRAY = Symbol(']');
  const COMMA = Symbol(',');
  while (stack.length) {
    const v = stack.pop();
    if (v === CLOSE_OBJECT) out.push('}');
    else if (v === CLOSE_ARRAY) out.push(']');
    else if (v === COMMA) out.push(',');
    else if (typeof v === 'symbol') out.push(v.description!);
    else if (v instanceof RawJson) out.push(v.text);
    else if (Array.isArray(v)) {
      out.push('[');
      stack.push(CLOSE_ARRAY);
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push(v[i] === undefined ? null : v[i]);
        if (i > 0) stack.push(COMMA);
      }
    } else if (v !== null && typeof v === 'object') {
      out.push('{');
      stack.push(CLOSE_OBJECT);
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i][1]);
        stack.push(Symbol(`${JSON.stringify(entries[i][0])}:`));
        if (i > 0) stack.push(COMMA);
      }
    } else if (typeof v === 'number' && !Number.isFinite(v)) out.push('null');
    else out.push(JSON.stringify(v) ?? 'null');
  }
  return out.join('');
}

/** A path segment as a client would send it; a lone surrogate goes as its raw (invalid UTF-8) bytes. */
export function encodeSegment(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/**
 * The value with one place made hostile: a string leaf becomes unstorable text, a number leaf an extreme
 * number, or a key a reserved or unstorable one. A request that is right but for one thing reaches the code
 * that handles that thing; a value wrong everywhere is refused at the first check.
 */
export function withOneHostilePlace(value: unknown): fc.Arbitrary<unknown> {
  const places = placesOf(value);
  if (!places.length) return fc.constant(value);
  return fc
    .tuple(
      fc.nat({ max: places.length - 1 }),
      fc.constantFrom(...unstorableStrings),
      fc.constantFrom(...hostileNumbers),
      fc.constantFrom('__proto__', 'constructor', '\u0000', '\uD800'),
    )
    .map(([i, text, number, key]) => {
      const place = places[i];
      // copy only the containers on the way to the place: the rest is shared, however deep it is
      const root = copyContainer(value);
      let parent: any = root;
      for (const k of place.path.slice(0, -1)) {
        const child = copyContainer(parent[k]);
        define(parent, k, child);
        parent = child;
      }
      const last = place.path.at(-1)!;
      if (place.kind === 'key') {
        const v = parent[last];
        delete parent[last];
        define(parent, key, v);
      } else define(parent, last, place.kind === 'string' ? text : number);
      return root;
    });
}

function copyContainer(v: unknown): any {
  if (Array.isArray(v)) return [...v];
  const copy = {};
  for (const [k, x] of Object.entries(v as object)) define(copy, k, x);
  return copy;
}

/** `o[k] = v`, except that a key `__proto__` becomes an own property rather than the prototype. */
function define(o: object, k: string | number, v: unknown) {
  Object.defineProperty(o, k, { value: v, enumerable: true, configurable: true, writable: true });
}

function placesOf(root: unknown): { path: (string | number)[]; kind: 'string' | 'number' | 'key' }[] {
  const out: { path: (string | number)[]; kind: 'string' | 'number' | 'key' }[] = [];
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: root, path: [] }];
  while (stack.length && out.length < 500) {
    const { v, path } = stack.pop()!;
    if (path.length > 20) continue;
    if (typeof v === 'string' && path.length) out.push({ path, kind: 'string' });
    else if (typeof v === 'number' && path.length) out.push({ path, kind: 'number' });
    else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) stack.push({ v: x, path: [...path, i] });
    } else if (v && typeof v === 'object' && !(v instanceof RawJson))
      for (const [k, x] of Object.entries(v)) {
        out.push({ path: [...path, k], kind: 'key' });
        stack.push({ v: x, path: [...path, k] });
      }
  }
  return out;
}
