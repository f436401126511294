/**
 * Bad input to a statistics function: a count that is not a whole number, more conversions than members, a
 * confidence outside (0, 1)… The code is the domain's; the HTTP layer that calls these functions maps it (to a
 * 400 naming `field`), so a report never answers 500 for a caller's mistake.
 */
export type StatisticsErrorCode = 'invalid_input';

export class StatisticsError extends Error {
  constructor(
    readonly code: StatisticsErrorCode,
    /** the input path that is wrong, e.g. `b.successes` or `variants.2.n` */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'StatisticsError';
  }
}
