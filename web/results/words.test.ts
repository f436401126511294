import i18n from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SplitResult, VariantResult } from '../api/results-types';
import en from '../i18n/en.json';
import zh from '../i18n/zh.json';
import { liftSentence, percent, revenueLiftSentence, winnerWords, yuan } from './words';

beforeAll(async () => {
  await i18n.init({ lng: 'zh', resources: { zh: { translation: zh }, en: { translation: en } } });
});
const t = (lng: 'zh' | 'en') => i18n.getFixedT(lng);

describe('figures', () => {
  it('writes 分 as 元 with the yuan sign and a real minus, and a dash for no figure', () => {
    expect(yuan(123450)).toBe('¥1,234.50');
    expect(yuan(-320)).toBe('−¥3.20');
    expect(yuan(0)).toBe('¥0.00');
    expect(yuan(null)).toBe('—');
    expect(percent(0.05234)).toBe('5.2%');
    expect(percent(null)).toBe('—');
  });
});

describe('lift sentences', () => {
  it('says the issue’s sentence for a lift above the holdout', () => {
    const lift = {
      diffPoints: 3.2,
      lowPoints: 1.1,
      highPoints: 5.3,
      significant: true,
      direction: 'higher' as const,
      confidencePercent: 95,
    };
    expect(liftSentence(t('zh'), lift)).toBe('比对照组多转化 3.2 个百分点（95% 置信区间 1.1–5.3）');
    expect(liftSentence(t('en'), lift)).toBe(
      '3.2 percentage points more conversions than the holdout (95% CI 1.1–5.3)',
    );
  });

  it('gives magnitudes for a lift below the holdout, and signed ends for an interval across zero', () => {
    const lower = {
      diffPoints: -2,
      lowPoints: -3.5,
      highPoints: -0.5,
      significant: true,
      direction: 'lower' as const,
      confidencePercent: 95,
    };
    expect(liftSentence(t('zh'), lower)).toBe('比对照组少转化 2.0 个百分点（95% 置信区间 0.5–3.5）');
    const straddle = {
      ...lower,
      diffPoints: 1,
      lowPoints: -0.5,
      highPoints: 2.5,
      direction: 'higher' as const,
    };
    expect(liftSentence(t('zh'), straddle)).toBe('比对照组多转化 1.0 个百分点（95% 置信区间 −0.5 至 +2.5）');
    const same = { ...lower, diffPoints: 0, lowPoints: -0.4, highPoints: 0.4, direction: 'same' as const };
    expect(liftSentence(t('zh'), same)).toBe('与对照组的转化率相当（95% 置信区间 −0.4 至 +0.4）');
  });

  it('says incremental revenue per member in 元', () => {
    const lift = {
      diffYuan: 3.2,
      lowYuan: 0.8,
      highYuan: 5.6,
      significant: true,
      direction: 'higher' as const,
      confidencePercent: 95,
    };
    expect(revenueLiftSentence(t('zh'), lift)).toBe(
      '每位会员比对照组多带来 ¥3.20 收入（95% 置信区间 ¥0.80–¥5.60）',
    );
    expect(revenueLiftSentence(t('zh'), { ...lift, lowYuan: -1.25, direction: 'higher' })).toBe(
      '每位会员比对照组多带来 ¥3.20 收入（95% 置信区间 −¥1.25 至 +¥5.60）',
    );
  });
});

const variant = (key: string, entered: number, converted: number, holdout = false): VariantResult => ({
  key,
  label: `${key.toUpperCase()} 组`,
  holdout,
  entered,
  converted,
  conversionRate: entered ? converted / entered : null,
  revenueFen: 0,
  revenuePerMemberFen: entered ? 0 : null,
  probabilityBest: holdout ? null : 0.5,
});

const split = (over: Partial<SplitResult>): SplitResult => ({
  nodeId: 'split',
  label: '随机分流',
  decision: null,
  autoWinner: { enabled: false, minPerVariant: 500, threshold: 0.997 },
  winner: { status: 'insufficient_sample', probabilities: { a: 0.4, b: 0.6 }, reason: '' },
  variants: [variant('a', 380, 20), variant('b', 365, 25), variant('h', 120, 3, true)],
  ...over,
});

describe('winner words', () => {
  it('says what sample is missing per group, in members, never judging early', () => {
    expect(winnerWords(t('zh'), split({}))).toEqual({
      headline: '样本不足，暂不判断',
      detail: '每组至少 500 人才判断：A 组 还需 120 人，B 组 还需 135 人',
    });
    const even = split({ variants: [variant('a', 100, 1), variant('b', 100, 2)] });
    expect(winnerWords(t('zh'), even).detail).toBe('每组至少 500 人才判断，每组还需 400 人');
  });

  it('says how many conversions are missing once the groups are big enough', () => {
    const s = split({
      autoWinner: { enabled: true, minPerVariant: 500, threshold: 0.997, minConversions: 20 },
      variants: [variant('a', 600, 5), variant('b', 600, 7)],
    });
    expect(winnerWords(t('zh'), s).detail).toBe('各组合计至少需要 20 次转化才判断，还差 8 次');
  });

  it('names the leader and the bar when no one has won yet, and the winner once one has', () => {
    const leading = split({
      winner: { status: 'no_winner_yet', probabilities: { a: 0.069, b: 0.931 }, reason: '' },
    });
    expect(winnerWords(t('zh'), leading)).toEqual({
      headline: '暂无胜出',
      detail: 'B 组 暂时领先，为最优的概率 93.1%，需达到 99.7% 才判定胜出',
    });
    const won = split({
      winner: { status: 'winner', winner: 'b', probabilities: { a: 0.002, b: 0.998 }, reason: '' },
    });
    expect(winnerWords(t('zh'), won)).toEqual({
      headline: 'B 组 胜出',
      detail: '为最优的概率 99.8%，达到判定标准 99.7%',
    });
  });
});
