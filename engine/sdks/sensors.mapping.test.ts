import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { applyProfileOps, ProfileConflict, type StoredProfile } from './profile.js';
import {
  decodeSensorsForm,
  mapSensorsRecords,
  type SensorsDecodeError,
  sensorsWho,
} from './sensors.mapping.js';

const receivedAt = new Date('2025-05-01T10:00:00Z');
const form = (records: unknown, gzip = true, field = 'data_list') =>
  new URLSearchParams({
    [field]: (gzip
      ? gzipSync(Buffer.from(JSON.stringify(records)))
      : Buffer.from(JSON.stringify(records))
    ).toString('base64'),
    gzip: gzip ? '1' : '0',
  });

describe('Sensors Data records as SDK items', () => {
  it('decodes data_list and data, gzipped or not, within bounds', () => {
    expect(decodeSensorsForm(form([{ type: 'track' }]))).toEqual([{ type: 'track' }]);
    expect(decodeSensorsForm(form({ type: 'track' }, false, 'data'))).toEqual([{ type: 'track' }]);
    const fails = (f: URLSearchParams) => {
      try {
        decodeSensorsForm(f);
        return null;
      } catch (err) {
        return (err as SensorsDecodeError).message;
      }
    };
    expect(fails(new URLSearchParams('gzip=1'))).toMatch(/send data_list/);
    expect(fails(new URLSearchParams('data_list=%%%'))).toMatch(/base64/);
    expect(
      fails(new URLSearchParams({ data_list: Buffer.from('not gzip').toString('base64'), gzip: '1' })),
    ).toMatch(/not gzip/);
    // a gzip bomb: 20 MB of spaces in a few kilobytes
    const bomb = new URLSearchParams({
      data_list: gzipSync(Buffer.alloc(20 << 20, 32)).toString('base64'),
      gzip: '1',
    });
    expect(fails(bomb)).toMatch(/unzips to more than 5 MB/);
    expect(fails(form([]))).toMatch(/no record/);
    expect(fails(form(Array.from({ length: 1001 }, () => ({}))))).toMatch(/at most 1000/);
    expect(
      fails(
        new URLSearchParams({
          data_list: Buffer.from(`${'['.repeat(100)}${']'.repeat(100)}`).toString('base64'),
        }),
      ),
    ).toMatch(/nested/);
  });

  it('finds the member: login ids wherever SDKs put them, devices only when the record says so', () => {
    const who = (r: Record<string, unknown>) => sensorsWho({ type: 'track', ...r } as never);
    // a server SDK (sa-sdk-node): distinct_id is the member
    expect(who({ distinct_id: 'u1' })).toEqual({ who: { kind: 'member', externalId: 'u1' }, device: null });
    expect(who({ distinct_id: 'u1', properties: { $is_login_id: true } }).who).toEqual({
      kind: 'member',
      externalId: 'u1',
    });
    expect(who({ distinct_id: 'dev', properties: { $is_login_id: false } }).who).toEqual({
      kind: 'anonymous',
      id: 'dev',
    });
    // ID-Mapping 3: identities with a login id, and the cookie id it signed in on
    expect(
      who({ distinct_id: 'u2', identities: { $identity_login_id: 'u2', $identity_cookie_id: 'ck-1' } }),
    ).toEqual({ who: { kind: 'member', externalId: 'u2' }, device: 'ck-1' });
    expect(who({ distinct_id: 'ck-2', identities: { $identity_cookie_id: 'ck-2' } }).who).toEqual({
      kind: 'anonymous',
      id: 'ck-2',
    });
    expect(who({ distinct_id: 'u3', login_id: 'u3', anonymous_id: 'dev-3' })).toEqual({
      who: { kind: 'member', externalId: 'u3' },
      device: 'dev-3',
    });
  });

  it('maps track, track_signup and every profile type; skips what it does not keep, with the reason', () => {
    const { items, problems } = mapSensorsRecords(
      [
        {
          type: 'track',
          event: 'BuyProduct',
          distinct_id: 'u1',
          time: 1_714_000_000_000,
          _track_id: 5,
          properties: { price: 9, $lib: 'Node' },
        },
        {
          type: 'track_signup',
          event: '$SignUp',
          distinct_id: 'u1',
          original_id: 'dev-1',
          time: 1_714_000_000_001,
        },
        {
          type: 'profile_set',
          distinct_id: 'u1',
          properties: { $name: '李雷', $phone: '13800000000', level: 'gold', $is_login_id: true },
        },
        { type: 'profile_increment', distinct_id: 'u1', properties: { points: 3 } },
        { type: 'profile_append', distinct_id: 'u1', properties: { tags: ['a'] } },
        { type: 'profile_unset', distinct_id: 'u1', properties: { level: true, $name: true } },
        { type: 'item_set', item_type: 'sku', item_id: '1', properties: {} },
        { type: 'profile_delete', distinct_id: 'u1' },
      ],
      { project: 'production', receivedAt },
    );
    expect(problems).toEqual([]);
    expect(items.map((i) => i.kind)).toEqual([
      'event',
      'link',
      'event',
      'profile',
      'profile',
      'profile',
      'profile',
      'skip',
      'skip',
    ]);
    expect(items[0]).toMatchObject({
      name: 'BuyProduct',
      occurredAt: new Date(1_714_000_000_000),
      properties: { price: 9, $lib: 'Node', $project: 'production' },
      id: expect.stringMatching(/^sa:[0-9a-f]{40}$/),
    });
    expect(items[1]).toEqual({ kind: 'link', index: 1, identity: 'dev-1', externalId: 'u1' });
    expect(items[2]).toMatchObject({ name: '$SignUp', id: undefined });
    expect(items[3]).toMatchObject({
      op: { kind: 'set', fields: { name: '李雷', phone: '13800000000' }, attributes: { level: 'gold' } },
    });
    expect(items[6]).toMatchObject({ op: { kind: 'unset', fields: ['name'], attributes: ['level'] } });
  });

  it('refuses bad records naming where, before anything is written', () => {
    const fields = (records: unknown[]) =>
      mapSensorsRecords(records, { project: 'default', receivedAt }).problems.map((p) => p.field);
    expect(fields([{ type: 'profile_merge', distinct_id: 'u' }])).toEqual(['data_list.0.type']);
    expect(fields([{ type: 'track', distinct_id: 'u' }])).toEqual(['data_list.0.event']);
    expect(fields([{ type: 'track', event: '下单', distinct_id: 'u' }])).toEqual(['data_list.0.event']);
    expect(fields([{ type: 'track', event: 'e' }])).toEqual(['data_list.0.distinct_id']);
    expect(fields([{ type: 'track', event: 'e', distinct_id: 'x'.repeat(129) }])).toEqual([
      'data_list.0.distinct_id',
    ]);
    expect(fields([{ type: 'track', event: 'e', distinct_id: 'u', time: 9e15 }])).toEqual([
      'data_list.0.time',
    ]);
    expect(fields([{ type: 'track_signup', distinct_id: 'u' }])).toEqual(['data_list.0.original_id']);
    expect(fields([{ type: 'profile_increment', distinct_id: 'u', properties: { p: 'x' } }])).toEqual([
      'data_list.0.properties.p',
    ]);
    expect(fields([{ type: 'profile_append', distinct_id: 'u', properties: { p: 'x' } }])).toEqual([
      'data_list.0.properties.p',
    ]);
    expect(fields([{ type: 'profile_set', distinct_id: 'u', properties: { email: 'nope' } }])).toEqual([
      'data_list.0.properties.email',
    ]);
  });
});

describe('profile updates on a stored member', () => {
  const member: StoredProfile = {
    name: null,
    phone: '1',
    email: null,
    timezone: null,
    registeredAt: new Date('2025-01-01T00:00:00Z'),
    attributes: { level: 'silver', points: 1, tags: ['a'] },
  };
  it('sets, sets once, adds, appends each value once and unsets, in order', () => {
    const after = applyProfileOps(member, [
      { kind: 'set', fields: { name: '王' }, attributes: { level: 'gold' } },
      {
        kind: 'set_once',
        fields: { name: '李', phone: '2', registeredAt: new Date('2024-06-01T00:00:00Z') },
        attributes: { level: 'x', first: 'wx' },
      },
      { kind: 'increment', attributes: { points: 4, visits: 1 } },
      { kind: 'append', attributes: { tags: ['a', 'b', 'b'], more: ['x'] } },
      { kind: 'unset', fields: ['phone'], attributes: ['first'] },
    ]);
    expect(after).toEqual({
      name: '王',
      phone: null,
      email: null,
      timezone: null,
      registeredAt: new Date('2024-06-01T00:00:00Z'),
      attributes: { level: 'gold', points: 5, visits: 1, tags: ['a', 'b'], more: ['x'] },
    });
    // the stored member is not changed in place
    expect(member.attributes.points).toBe(1);
  });
  it('refuses to add to a text or append to a non-list', () => {
    expect(() => applyProfileOps(member, [{ kind: 'increment', attributes: { level: 1 } }])).toThrow(
      ProfileConflict,
    );
    expect(() => applyProfileOps(member, [{ kind: 'append', attributes: { points: ['x'] } }])).toThrow(
      ProfileConflict,
    );
  });
});
