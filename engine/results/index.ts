// The public face of the results statistics: pure functions, no I/O. Methods and measured behaviour are in
// the README (Journey results).
export { type BetaPrior, probabilityBest } from './bayes.js';
export type { Proportion } from './inputs.js';
export { type DiffInterval, newcombeDiff, type RateInterval, wilson } from './intervals.js';
export { type MeanDiffInterval, type RevenueSums, welchDiff } from './revenue.js';
export { StatisticsError, type StatisticsErrorCode } from './statistics-error.js';
export {
  type LiftDirection,
  type LiftSummary,
  liftSummary,
  type RevenueLiftSummary,
  revenueLiftSummary,
} from './summary.js';
export {
  DEFAULT_WINNER_RULE,
  pickWinner,
  type VariantCounts,
  type WinnerDecision,
  type WinnerRule,
  type WinnerStatus,
} from './winner.js';
