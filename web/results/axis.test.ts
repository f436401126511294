import { expect, it } from 'vitest';
import { niceCeil } from './axis';

it('ends an axis on a round figure at or above the largest value', () => {
  expect([0, 0.4, 1, 1.3, 7, 1134, 1323, 2400, 9000].map(niceCeil)).toEqual([
    1, 0.5, 1, 2, 10, 2000, 2000, 2500, 10000,
  ]);
});
