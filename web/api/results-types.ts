/**
 * The journey results API (issue 16) as the web reads it. The statistics' own types (lift sentences, winner
 * decisions) come from engine/results with `import type`, erased at build; the response shapes are typed by
 * hand from the contract in engine/results/README.md until the results routes export their view types.
 */

import type { DeliverySource, MessageFunnelRow } from '../../engine/links/message-funnel.repository';
import type { LiftSummary, RevenueLiftSummary } from '../../engine/results/summary';
import type { WinnerDecision } from '../../engine/results/winner';

export type { DeliverySource, LiftSummary, MessageFunnelRow, RevenueLiftSummary, WinnerDecision };

/** Money is whole 分 (integer) on the wire: no float drift. */
export interface ResultFigures {
  entered: number;
  converted: number;
  /** 0..1; null when nobody entered */
  conversionRate: number | null;
  revenueFen: number;
  revenuePerMemberFen: number | null;
}

export interface ResultTotals extends ResultFigures {
  /** conversions whose goal event had no (numeric) value: counted, at 0 元 */
  conversionsWithoutValue: number;
}

export type LiftUnavailable = 'no_holdout' | 'too_few';

export type ResultLift =
  | { rate: LiftSummary; revenuePerMember: RevenueLiftSummary | null }
  | { unavailable: LiftUnavailable };

export interface SeriesPoint {
  /** YYYY-MM-DD in the report's time zone */
  date: string;
  entered: number;
  converted: number;
  revenueFen: number;
}

export interface SplitDecision {
  variant: string;
  decidedAt: string;
  by: 'auto' | 'manual';
  /** who decided: a user's email, or null for the auto-winner */
  actor: string | null;
  /** the figures the decision was made on, as recorded */
  numbers: Record<string, unknown> | null;
}

export interface VariantResult extends ResultFigures {
  key: string;
  label: string;
  holdout: boolean;
  /** P(this variant is best), 0..1; null for the holdout */
  probabilityBest: number | null;
}

export interface SplitResult {
  nodeId: string;
  label: string;
  decision: SplitDecision | null;
  autoWinner: { enabled: boolean; minPerVariant: number; threshold: number; minConversions?: number };
  winner: WinnerDecision;
  variants: VariantResult[];
}

export interface NodeResult {
  nodeId: string;
  entered: number;
  passed: Record<string, number>;
  waiting: number;
  skipped: Record<string, number>;
  deferred: Record<string, number>;
  failed: number;
  endedHere: number;
  convertedDownstream: number;
}

/** GET /api/journeys/:id/results */
export interface JourneyResults {
  journeyId: string;
  version: number | null;
  from: string;
  to: string;
  timeZone: string;
  attributionWindowDays: number;
  totals: ResultTotals;
  holdout: ResultFigures | null;
  lift: ResultLift;
  series: SeriesPoint[];
  splits: SplitResult[];
  nodes: NodeResult[];
}

/** GET /api/journeys/:id/results/messages */
export interface MessageFunnel {
  nodes: MessageFunnelRow[];
}

/** The filters every results call takes; without dates the server answers its last 30 days in the workspace's time zone. */
export interface ResultsQuery {
  version?: number;
  from?: string;
  to?: string;
}

/** GET /api/journeys list items gain the last 30 days' figures (absent from servers before issue 16). */
export interface Results30d {
  entered: number;
  converted: number;
  conversionRate: number | null;
  revenueFen: number;
}
