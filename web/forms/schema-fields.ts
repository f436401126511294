import type { JsonSchema, Localized } from '../api/types';

/** How a config property is edited. `x-widget` wins; otherwise the shape of the schema decides. */
export type FieldKind =
  | 'text'
  | 'textarea'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'duration'
  | 'tags'
  | 'event'
  | 'couponTemplate'
  | 'segment'
  | 'secret'
  | 'datetime'
  | 'messageBody'
  | 'conditions'
  | 'filters'
  | 'keyValue'
  | 'channel'
  | 'channelContent'
  | 'stringList'
  | 'object'
  | 'list'
  | 'unionList'
  | 'time'
  | 'weekdays'
  | 'tag'
  | 'scalar'
  | 'json';

export interface FieldSpec {
  key: string;
  kind: FieldKind;
  label: Localized | null;
  description?: string;
  required: boolean;
  schema: JsonSchema;
  /** enum values for `enum` / `channel` */
  options?: string[];
  /** sub-fields for `object`, item fields for `list` */
  fields?: FieldSpec[];
  /** a list item's `id` is generated, never typed by a marketer */
  autoId?: boolean;
  /** `unionList`: the item kinds (a `oneOf` of objects told apart by a `const` property) */
  union?: UnionSpec;
}

/** A list whose items come in kinds, e.g. exit criteria: an event, a tag being added, an attribute condition. */
export interface UnionSpec {
  /** the property that names the kind, e.g. `kind` */
  discriminator: string;
  variants: { value: string; label: Localized | null; schema: JsonSchema; fields: FieldSpec[] }[];
}

const WIDGETS = new Set<FieldKind>([
  'duration',
  'tags',
  'event',
  'couponTemplate',
  'segment',
  'secret',
  'messageBody',
  'conditions',
  'textarea',
  'channel',
  'channelContent',
  'keyValue',
  'filters',
  'time',
  'weekdays',
  'tag',
]);

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

function types(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) return alts.flatMap(types);
  return [];
}

/** zod emits optional-with-null as anyOf [T, {type:null}]; unwrap to T. */
export function unwrapNullable(schema: JsonSchema): JsonSchema {
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts) {
    const real = alts.filter((s) => s.type !== 'null');
    if (real.length === 1) return { ...real[0], ...pickMeta(schema) };
  }
  return schema;
}

function pickMeta(schema: JsonSchema): Partial<JsonSchema> {
  const meta: Partial<JsonSchema> = {};
  for (const k of ['x-label', 'x-widget', 'description', 'default'] as const)
    if (schema[k] !== undefined) (meta as Record<string, unknown>)[k] = schema[k];
  return meta;
}

export function isDurationSchema(schema: JsonSchema): boolean {
  const p = schema.properties;
  return !!p?.amount && !!p?.unit && Array.isArray(p.unit.enum) && Object.keys(p).length === 2;
}

function isFilterItems(items: JsonSchema | undefined): boolean {
  const p = items?.properties;
  return !!p?.property && !!p?.op;
}

/** Items that are a `oneOf` of objects sharing one `const` property (zod's discriminated union). */
export function unionOf(items: JsonSchema | undefined): UnionSpec | null {
  const alts = items?.oneOf ?? items?.anyOf;
  if (!alts?.length || !alts.every((a) => a.properties)) return null;
  const first = alts[0].properties ?? {};
  const discriminator = Object.keys(first).find((k) =>
    alts.every((a) => typeof a.properties?.[k]?.const === 'string'),
  );
  if (!discriminator) return null;
  return {
    discriminator,
    variants: alts.map((a) => ({
      value: a.properties?.[discriminator]?.const as string,
      label: a['x-label'] ?? null,
      schema: a,
      fields: fieldsFor(a),
    })),
  };
}

/** Maps one property schema to a field. */
export function fieldFor(key: string, raw: JsonSchema, required: boolean): FieldSpec {
  const schema = unwrapNullable(raw);
  const base = {
    key,
    label: schema['x-label'] ?? null,
    description: schema.description,
    required,
    schema,
  };
  const widget = schema['x-widget'] as FieldKind | undefined;
  if (widget && WIDGETS.has(widget)) {
    const options = Array.isArray(schema.enum) ? schema.enum.map(String) : undefined;
    return { ...base, kind: widget, options };
  }
  const t = types(schema);
  if (t.includes('array') && t.length === 1) {
    const union = unionOf(schema.items ? unwrapNullable(schema.items) : undefined);
    if (union) return { ...base, kind: 'unionList', union };
  }
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string'))
    return { ...base, kind: 'enum', options: schema.enum as string[] };
  if (t.includes('integer') || (t.includes('number') && t.length === 1)) return { ...base, kind: 'number' };
  if (t.includes('boolean') && t.length === 1) return { ...base, kind: 'boolean' };
  // an ISO date-time (journey entry window): a date and time picker, not a text box
  if (t.includes('string') && t.length === 1 && schema.format === 'date-time')
    return { ...base, kind: 'datetime' };
  if (t.includes('string') && t.length === 1) return { ...base, kind: 'text' };
  // text, a number or yes/no (an attribute value): typed as text and read as what it looks like
  if (t.length > 1 && t.every((x) => PRIMITIVES.has(x))) return { ...base, kind: 'scalar' };
  if (t.includes('object') && t.length === 1) {
    if (isDurationSchema(schema)) return { ...base, kind: 'duration' };
    if (schema.properties && Object.keys(schema.properties).length > 0)
      return { ...base, kind: 'object', fields: fieldsFor(schema) };
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
      return { ...base, kind: 'keyValue' };
  }
  if (t.includes('array') && t.length === 1) {
    const items = schema.items ? unwrapNullable(schema.items) : undefined;
    const it = items ? types(items) : [];
    if (it.length === 1 && it[0] === 'string' && !items?.enum) return { ...base, kind: 'stringList' };
    if (isFilterItems(items)) return { ...base, kind: 'filters' };
    if (items?.properties) return { ...base, kind: 'list', fields: fieldsFor(items) };
  }
  return { ...base, kind: 'json' };
}

/** The form of an object schema: one field per property, in schema order; `const` properties are fixed, not shown. */
export function fieldsFor(schema: JsonSchema | undefined): FieldSpec[] {
  if (!schema?.properties) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties)
    .filter(([, s]) => s.const === undefined)
    .map(([key, s]) => {
      const f = fieldFor(key, s, required.has(key));
      return key === 'id' && f.kind === 'text' ? { ...f, autoId: true } : f;
    });
}

/** A valid-as-possible starting value for a schema, used for new list items. */
export function defaultFor(raw: JsonSchema): unknown {
  const schema = unwrapNullable(raw);
  if (schema.default !== undefined) return structuredClone(schema.default);
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const alts = schema.oneOf ?? schema.anyOf;
  if (alts?.length) return defaultFor(alts[0]);
  const t = types(schema);
  if (t.includes('object')) {
    const out: Record<string, unknown> = {};
    const req = new Set(schema.required ?? []);
    for (const [k, s] of Object.entries(schema.properties ?? {})) if (req.has(k)) out[k] = defaultFor(s);
    return out;
  }
  if (t.includes('array')) return [];
  if (t.includes('integer') || t.includes('number')) {
    if (typeof schema.minimum === 'number') return schema.minimum;
    return typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 0;
  }
  if (t.includes('boolean')) return false;
  if (t.includes('string')) return '';
  return undefined;
}

/** A fresh short id for a list item (branch condition, split variant), unique among `taken`. */
export function newItemId(prefix: string, taken: string[]): string {
  for (let i = taken.length + 1; ; i++) {
    const id = `${prefix}${i}`;
    if (!taken.includes(id)) return id;
  }
}

/** The humanized key, used when a schema has no `x-label`. */
export function humanize(key: string): string {
  return key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_.]+/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());
}
