import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../api/types';
import { defaultFor, fieldsFor, newItemId } from './schema-fields';

const L = (zh: string, en: string) => ({ zh, en });

describe('fieldsFor', () => {
  it('maps x-widget first, then the shape', () => {
    const schema: JsonSchema = {
      type: 'object',
      required: ['event', 'timeout'],
      properties: {
        event: { type: 'string', minLength: 1, 'x-widget': 'event', 'x-label': L('事件', 'Event') },
        where: {
          type: 'array',
          items: {
            type: 'object',
            properties: { property: { type: 'string' }, op: { type: 'string', enum: ['eq'] } },
          },
        },
        timeout: {
          type: 'object',
          properties: { amount: { type: 'number' }, unit: { type: 'string', enum: ['days'] } },
        },
        note: { type: 'string' },
        count: { type: 'integer' },
        on: { type: 'boolean' },
        channel: { type: 'string', enum: ['sms', 'email'] },
        tags: { type: 'array', items: { type: 'string' } },
        set: {
          type: 'object',
          propertyNames: { type: 'string' },
          additionalProperties: { type: ['string', 'number', 'boolean'] },
        },
        nested: { type: 'object', properties: { a: { type: 'string' } } },
        variants: {
          type: 'array',
          'x-widget': 'variants',
          items: {
            type: 'object',
            properties: { id: { type: 'string' }, label: { type: 'string' }, percent: { type: 'integer' } },
          },
        },
        odd: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      },
    };
    const byKey = Object.fromEntries(fieldsFor(schema).map((f) => [f.key, f]));
    expect(byKey.event).toMatchObject({ kind: 'event', required: true, label: L('事件', 'Event') });
    expect(byKey.where.kind).toBe('filters');
    expect(byKey.timeout).toMatchObject({ kind: 'duration', required: true });
    expect(byKey.note).toMatchObject({ kind: 'text', required: false, label: null });
    expect(byKey.count.kind).toBe('number');
    expect(byKey.on.kind).toBe('boolean');
    expect(byKey.channel).toMatchObject({ kind: 'enum', options: ['sms', 'email'] });
    expect(byKey.tags.kind).toBe('stringList');
    expect(byKey.set.kind).toBe('keyValue');
    expect(byKey.nested.kind).toBe('object');
    expect(byKey.variants.kind).toBe('list');
    expect(byKey.variants.fields?.find((f) => f.key === 'id')?.autoId).toBe(true);
    expect(byKey.odd.kind).toBe('scalar');
  });
  it('hides const properties (discriminators)', () => {
    const f = fieldsFor({
      type: 'object',
      properties: { kind: { type: 'string', const: 'tag' }, tag: { type: 'string' } },
    });
    expect(f.map((x) => x.key)).toEqual(['tag']);
  });
  it('unwraps nullable unions', () => {
    const f = fieldsFor({
      type: 'object',
      properties: { n: { anyOf: [{ type: 'number' }, { type: 'null' }], 'x-label': L('数', 'N') } },
    });
    expect(f[0]).toMatchObject({ kind: 'number', label: L('数', 'N') });
  });
});

describe('defaultFor', () => {
  it('builds a starting value from the schema', () => {
    expect(
      defaultFor({
        type: 'object',
        required: ['id', 'label', 'percent', 'when'],
        properties: {
          id: { type: 'string' },
          label: { type: 'string' },
          percent: { type: 'integer', minimum: 0 },
          when: {
            oneOf: [
              { type: 'object', required: ['kind'], properties: { kind: { type: 'string', const: 'tag' } } },
            ],
          },
          optional: { type: 'string' },
        },
      }),
    ).toEqual({ id: '', label: '', percent: 0, when: { kind: 'tag' } });
    expect(defaultFor({ type: 'string', enum: ['days', 'hours'] })).toBe('days');
    expect(defaultFor({ type: 'number', default: 3 })).toBe(3);
  });
});

describe('newItemId', () => {
  it('never collides', () => {
    expect(newItemId('v', ['v1', 'v3'])).toBe('v4');
    expect(newItemId('c', [])).toBe('c1');
  });
});

describe('lists of kinds (exit criteria)', () => {
  it('become a union list: each kind with its label and its own fields', () => {
    const exits: JsonSchema = {
      type: 'array',
      'x-widget': 'exits',
      items: {
        oneOf: [
          {
            type: 'object',
            'x-label': L('发生事件', 'An event'),
            required: ['kind', 'event'],
            properties: {
              kind: { type: 'string', const: 'event' },
              event: { type: 'string', 'x-widget': 'event' },
              where: { type: 'array', 'x-widget': 'filters', items: { type: 'object', properties: {} } },
            },
          },
          {
            type: 'object',
            'x-label': L('被打上标签', 'A tag is added'),
            required: ['kind', 'tag'],
            properties: {
              kind: { type: 'string', const: 'tag' },
              tag: { type: 'string', 'x-widget': 'tag' },
            },
          },
          {
            type: 'object',
            required: ['kind', 'key', 'op'],
            properties: {
              kind: { type: 'string', const: 'attribute' },
              key: { type: 'string' },
              op: { type: 'string', enum: ['eq', 'exists'] },
              value: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
            },
          },
        ],
      },
    };
    const f = fieldsFor({ type: 'object', properties: { exits } })[0];
    expect(f.kind).toBe('unionList');
    expect(f.union?.discriminator).toBe('kind');
    expect(f.union?.variants.map((v) => [v.value, v.label?.zh ?? null])).toEqual([
      ['event', '发生事件'],
      ['tag', '被打上标签'],
      ['attribute', null],
    ]);
    const kinds = (i: number) => f.union?.variants[i].fields.map((x) => `${x.key}:${x.kind}`);
    expect(kinds(0)).toEqual(['event:event', 'where:filters']);
    expect(kinds(1)).toEqual(['tag:tag']);
    expect(kinds(2)).toEqual(['key:text', 'op:enum', 'value:scalar']);
    expect(defaultFor(f.union!.variants[2].schema)).toEqual({ kind: 'attribute', key: '', op: 'eq' });
  });

  it('time and weekdays have their own widgets', () => {
    const f = fieldsFor({
      type: 'object',
      properties: {
        at: { type: 'string', 'x-widget': 'time' },
        weekdays: { type: 'array', items: { type: 'integer' }, 'x-widget': 'weekdays' },
      },
    });
    expect(f.map((x) => x.kind)).toEqual(['time', 'weekdays']);
  });
});

describe('audience and date-time fields', () => {
  it('edits an audience id with the audience picker and an ISO date-time with a date-time picker', () => {
    const fields = fieldsFor({
      type: 'object',
      properties: {
        segmentId: { type: 'string', format: 'uuid', 'x-widget': 'segment' },
        startAt: { type: 'string', format: 'date-time' },
        note: { type: 'string' },
      },
    });
    expect(fields.map((f) => [f.key, f.kind])).toEqual([
      ['segmentId', 'segment'],
      ['startAt', 'datetime'],
      ['note', 'text'],
    ]);
  });
});
