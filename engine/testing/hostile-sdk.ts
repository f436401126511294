import fc from 'fast-check';
import { hostileJson, hostileNumbers, hostileStrings } from './hostile.js';

/**
 * Segment messages and Sensors records that are nearly right — a known type, an id that exists, a real event
 * name — with hostile values in the places that reach the database (properties, traits, ids, times), so the
 * hostile-input suite gets past the envelope checks into mapping, profile updates and the ingest write.
 */
const some = <T>(good: fc.Arbitrary<T>, weight = 24) =>
  fc.oneof(
    { weight, arbitrary: good },
    { weight: 1, arbitrary: fc.constantFrom(...hostileStrings) },
    { weight: 1, arbitrary: fc.constantFrom(...hostileNumbers) },
  );
const id = some(fc.constantFrom('fuzz-m1', 'sdk-fuzz-1', 'sdk-fuzz-2', 'dev-1', 'dev-2'));
const time = fc.oneof(
  fc.constant(undefined),
  fc
    .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom(...hostileStrings.slice(30, 40)),
  fc.constantFrom(...hostileNumbers),
);
const props = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.dictionary(
      fc.constantFrom(
        'amount',
        'level',
        'points',
        'tags',
        'name',
        'email',
        'phone',
        '$name',
        'createdAt',
        '$signup_time',
      ),
      fc.oneof(fc.integer(), fc.string(), fc.array(fc.string(), { maxLength: 3 }), hostileJson),
      { maxKeys: 4 },
    ),
  },
  { weight: 1, arbitrary: hostileJson },
);

export const plausibleSegmentMessage: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    type: some(fc.constantFrom('track', 'identify', 'page', 'screen', 'alias', 'group'), 10),
    userId: id,
    anonymousId: id,
    previousId: id,
    messageId: some(fc.uuid()),
    event: some(fc.constantFrom('fuzz_evt', 'Order Completed', 'Signed Up!', '$AppStart')),
    name: some(fc.constantFrom('首页', 'Cart')),
    properties: props,
    traits: props,
    timestamp: time,
    sentAt: time,
  },
  { requiredKeys: ['type'] },
);

export const plausibleSegmentBatch = fc
  .tuple(fc.array(plausibleSegmentMessage, { minLength: 1, maxLength: 3 }), time)
  .map(([batch, sentAt]) => ({ batch, sentAt }));

export const plausibleSensorsRecord: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    type: some(
      fc.constantFrom(
        'track',
        'track_signup',
        'profile_set',
        'profile_set_once',
        'profile_increment',
        'profile_append',
        'profile_unset',
        'track_id_bind',
        'profile_delete',
      ),
      10,
    ),
    event: some(fc.constantFrom('fuzz_evt', 'BuyProduct', '$SignUp')),
    distinct_id: id,
    original_id: id,
    login_id: id,
    identities: fc.oneof(
      fc.constant(undefined),
      fc.record({ $identity_login_id: id }, { requiredKeys: [] }),
      fc.record({ $identity_cookie_id: id }),
    ),
    time: fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
      fc.constantFrom(...hostileNumbers),
    ),
    _track_id: fc.oneof(fc.integer(), fc.constantFrom(...hostileNumbers)),
    properties: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.dictionary(
          fc.constantFrom('points', 'tags', 'level', '$name', '$phone', 'email', '$is_login_id'),
          fc.oneof(
            fc.integer(),
            fc.boolean(),
            fc.string(),
            fc.array(fc.string(), { maxLength: 3 }),
            hostileJson,
          ),
          { maxKeys: 4 },
        ),
      },
      { weight: 1, arbitrary: hostileJson },
    ),
  },
  { requiredKeys: ['type'] },
);
