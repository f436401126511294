import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../api/types';
import { renderSummary, type SummaryFormat, truncate } from './summary';

const zh: SummaryFormat = {
  lang: 'zh',
  enumLabel: (v) => ({ days: '天', sms: '短信' })[v],
  couponLabel: (id) => (id === 'c1' ? '新人券 ¥20 · 7天有效' : undefined),
  notSet: '未设置',
};
const en: SummaryFormat = { ...zh, lang: 'en', enumLabel: (v) => ({ days: 'days', sms: 'SMS' })[v] };

describe('renderSummary', () => {
  it('fills values and translates enum values', () => {
    expect(renderSummary('等待 {{amount}} {{unit}}', { amount: 3, unit: 'days' }, undefined, zh)).toBe(
      '等待 3 天',
    );
    expect(renderSummary('Wait {{amount}} {{unit}}', { amount: 3, unit: 'days' }, undefined, en)).toBe(
      'Wait 3 days',
    );
  });
  it('cuts long text', () => {
    const s = renderSummary(
      '{{channel}}: {{body}}',
      { channel: 'sms', body: '欢迎加入会员，新人券已到账，7 天内有效' },
      undefined,
      en,
    );
    expect(s).toBe('SMS: 欢迎加入会员，新人券已到账，…');
  });
  it('formats durations, arrays, item lists, records and dotted paths', () => {
    expect(renderSummary('{{timeout}}', { timeout: { amount: 14, unit: 'days' } }, undefined, zh)).toBe(
      '14 天',
    );
    expect(renderSummary('{{add}}', { add: ['新客', 'vip'] }, undefined, zh)).toBe('新客、vip');
    expect(
      renderSummary(
        '{{variants}}',
        {
          variants: [
            { label: 'A', percent: 45 },
            { label: '对照组', percent: 10 },
          ],
        },
        undefined,
        zh,
      ),
    ).toBe('A 45% / 对照组 10%');
    expect(renderSummary('{{variants.length}} 组', { variants: [{}, {}, {}] }, undefined, zh)).toBe('3 组');
    expect(renderSummary('{{set}}', { set: { stage: 'active' } }, undefined, zh)).toBe('stage=active');
  });
  it('shows what is missing', () => {
    expect(renderSummary('当 {{event}}', {}, undefined, zh)).toBe('当 未设置');
    expect(renderSummary('{{add}}', { add: [] }, undefined, zh)).toBe('未设置');
  });
  it('names coupon templates via the couponTemplate widget', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { templateId: { type: 'string', 'x-widget': 'couponTemplate' } },
    };
    expect(renderSummary('发券 {{templateId}}', { templateId: 'c1' }, schema, zh)).toBe(
      '发券 新人券 ¥20 · 7天有效',
    );
    expect(renderSummary('发券 {{templateId}}', { templateId: '' }, schema, zh)).toBe('发券 未设置');
  });
  it('truncates by characters, not bytes', () => {
    expect(truncate('一二三四五', 3)).toBe('一二三…');
  });
});

describe('renderSummary with signed lists', () => {
  it('drops an empty +/- list with its sign', () => {
    expect(renderSummary('标签 +{{add}} -{{remove}}', { add: ['lost'], remove: [] }, undefined, zh)).toBe(
      '标签 +lost',
    );
    expect(renderSummary('标签 +{{add}} -{{remove}}', { add: ['a'], remove: ['b'] }, undefined, zh)).toBe(
      '标签 +a -b',
    );
  });
});
