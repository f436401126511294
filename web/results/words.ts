import type { TFunction } from 'i18next';
import type { LiftSummary, RevenueLiftSummary, SplitResult, VariantResult } from '../api/results-types';

const MINUS = '−';

/** `¥1,234.50` from whole 分; `—` when there is no figure (nobody entered). */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  const text = (Math.abs(fen) / 100).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${fen < 0 ? MINUS : ''}¥${text}`;
}

/** `5.2%` from a 0..1 rate; `—` when there is none (no members yet — never a misleading 0 %). */
export function percent(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(rate * 100).toFixed(digits)}%`;
}

/** A chance to be best: never a flat 100 % or 0 % while the other variant still has a chance. */
export function chance(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  if (p > 0.999 && p < 1) return '>99.9%';
  if (p > 0 && p < 0.001) return '<0.1%';
  return percent(p);
}

export const count = (n: number | null | undefined) =>
  n === null || n === undefined ? '—' : n.toLocaleString();

const fixed = (v: number, digits: number) => Math.abs(v).toFixed(digits);
const signed = (v: number, digits: number, unit = '') =>
  v === 0 ? `${unit}${fixed(v, digits)}` : `${v < 0 ? MINUS : '+'}${unit}${fixed(v, digits)}`;

/**
 * An interval as the sentence says it: magnitudes when it lies on one side of zero (「1.1–5.3」 more, or
 * less), signed ends when it straddles zero (「−0.5 至 +2.5」), so the words never contradict the numbers.
 */
function interval(t: TFunction, low: number, high: number, digits: number, unit = ''): string {
  if (low >= 0) return `${unit}${fixed(low, digits)}–${unit}${fixed(high, digits)}`;
  if (high <= 0) return `${unit}${fixed(high, digits)}–${unit}${fixed(low, digits)}`;
  return t('results.lift.straddles', { low: signed(low, digits, unit), high: signed(high, digits, unit) });
}

/** 「比对照组多转化 3.2 个百分点（95% 置信区间 1.1–5.3）」 and its less / same forms. */
export function liftSentence(t: TFunction, lift: LiftSummary): string {
  return t(`results.lift.rate.${lift.direction}`, {
    diff: fixed(lift.diffPoints, 1),
    confidence: lift.confidencePercent,
    interval: interval(t, lift.lowPoints, lift.highPoints, 1),
  });
}

/** 「每位会员比对照组多带来 ¥3.20 收入（95% 置信区间 ¥0.80–¥5.60）」 and its less / same forms. */
export function revenueLiftSentence(t: TFunction, lift: RevenueLiftSummary): string {
  return t(`results.lift.revenue.${lift.direction}`, {
    diff: `¥${fixed(lift.diffYuan, 2)}`,
    confidence: lift.confidencePercent,
    interval: interval(t, lift.lowYuan, lift.highYuan, 2, '¥'),
  });
}

/** What a split's figures say about a winner, in words: who won, who leads, or what sample is missing. */
export function winnerWords(t: TFunction, split: SplitResult): { headline: string; detail: string | null } {
  const competing = split.variants.filter((v) => !v.holdout);
  const label = (key: string | undefined) => competing.find((v) => v.key === key)?.label ?? key ?? '';
  const p = (key: string | undefined) => (key ? split.winner.probabilities[key] : undefined);
  switch (split.winner.status) {
    case 'winner':
      return {
        headline: t('results.winner.won', { variant: label(split.winner.winner) }),
        detail: t('results.winner.wonDetail', {
          p: chance(p(split.winner.winner)),
          threshold: percent(split.autoWinner.threshold),
        }),
      };
    case 'no_winner_yet': {
      const leader = leaderOf(competing, split.winner.probabilities);
      return {
        headline: t('results.winner.none'),
        detail: leader
          ? t('results.winner.leads', {
              variant: leader.label,
              p: chance(p(leader.key)),
              threshold: percent(split.autoWinner.threshold),
            })
          : null,
      };
    }
    default:
      return { headline: t('results.winner.tooFew'), detail: missingSample(t, split, competing) };
  }
}

function leaderOf(variants: VariantResult[], probabilities: Record<string, number>): VariantResult | null {
  let best: VariantResult | null = null;
  for (const v of variants)
    if ((probabilities[v.key] ?? -1) > (best ? (probabilities[best.key] ?? -1) : -1)) best = v;
  return best;
}

/** 「每组至少 500 人才判断：A 还需 120 人，B 还需 135 人」, or the conversions still missing. */
function missingSample(t: TFunction, split: SplitResult, competing: VariantResult[]): string {
  const min = split.autoWinner.minPerVariant;
  const short = competing.filter((v) => v.entered < min);
  if (short.length > 0) {
    const need = short.map((v) => t('results.winner.needMembers', { variant: v.label, n: min - v.entered }));
    const same = short.length === competing.length && short.every((v) => v.entered === short[0].entered);
    return same
      ? t('results.winner.eachNeeds', { min, n: min - short[0].entered })
      : t('results.winner.minEach', { min, list: need.join(t('results.listSep')) });
  }
  const conversions = competing.reduce((s, v) => s + v.converted, 0);
  const minConversions = split.autoWinner.minConversions;
  return minConversions !== undefined && conversions < minConversions
    ? t('results.winner.needConversions', { min: minConversions, n: minConversions - conversions })
    : t('results.winner.needMore');
}
