import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../api/types';
import { formatWeekdays, renderSummary, type SummaryFormat, truncate, type WeekdayWords } from './summary';

const zhDays: WeekdayWords = {
  name: (d) => `周${'一二三四五六日'[d - 1]}`,
  workdays: '工作日',
  weekend: '周末',
  everyDay: '每天',
  sep: '、',
};
const zh: SummaryFormat = {
  lang: 'zh',
  enumLabel: (v) => ({ days: '天', sms: '短信' })[v],
  couponLabel: (id) => (id === 'c1' ? '新人券 ¥20 · 7天有效' : undefined),
  notSet: '未设置',
  weekdays: (days) => formatWeekdays(days, zhDays),
  holdout: (percent) => `对照组 ${percent}%`,
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
  it('names a tracked link instead of spelling out its address', () => {
    const body = '新品 {{link "https://shop.example.com/very/long/path?utm=1"}} 回T退订';
    expect(renderSummary('{{body}}', { body }, undefined, { ...zh, linkWord: '[链接]' })).toBe(
      '新品 [链接] 回T退订',
    );
    expect(renderSummary('{{body}}', { body: '{{ link "https://a.cn" }}' }, undefined, en)).toBe('[link]');
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

// The served schemas of wait.time, split and wait.duration (GET /api/node-types), trimmed to what matters.
const waitTimeSchema: JsonSchema = {
  type: 'object',
  properties: {
    at: { type: 'string', 'x-widget': 'time' },
    weekdays: { type: 'array', items: { type: 'integer' }, 'x-widget': 'weekdays' },
  },
};
const durationSchema: JsonSchema = {
  type: 'object',
  properties: {
    amount: { type: 'number' },
    unit: {
      type: 'string',
      enum: ['days', 'weeks', 'months'],
      'x-enum-labels': { weeks: { zh: '周', en: 'weeks' }, months: { zh: '个月', en: 'months' } },
    },
  },
};

describe('summaries of the journey-rules nodes', () => {
  it('a time-of-day wait reads with its weekdays', () => {
    const s = (config: Record<string, unknown>) => renderSummary('等到 {{at}}', config, waitTimeSchema, zh);
    expect(s({ at: '10:00', weekdays: [1, 2, 3, 4, 5] })).toBe('等到 工作日 10:00');
    expect(s({ at: '10:00', weekdays: [7, 6] })).toBe('等到 周末 10:00');
    expect(s({ at: '09:30', weekdays: [1, 3] })).toBe('等到 周一、周三 09:30');
    expect(s({ at: '20:00' })).toBe('等到 20:00');
    expect(s({ at: '20:00', weekdays: [1, 2, 3, 4, 5, 6, 7] })).toBe('等到 每天 20:00');
    expect(s({})).toBe('等到 未设置');
  });

  it('a split with a holdout group shows the holdout share', () => {
    const config = {
      variants: [
        { id: 'a', label: 'A', percent: 45 },
        { id: 'b', label: 'B', percent: 45 },
        { id: 'h', label: '对照', percent: 10, holdout: true },
      ],
    };
    expect(renderSummary('{{variants.length}} 组随机分流', config, undefined, zh)).toBe(
      '3 组随机分流 · 对照组 10%',
    );
    expect(
      renderSummary(
        '{{variants.length}} 组随机分流',
        { variants: config.variants.slice(0, 2) },
        undefined,
        zh,
      ),
    ).toBe('2 组随机分流');
  });

  it('durations in weeks and months use the unit words the schema gives', () => {
    expect(renderSummary('等待 {{amount}} {{unit}}', { amount: 2, unit: 'weeks' }, durationSchema, zh)).toBe(
      '等待 2 周',
    );
    expect(renderSummary('Wait {{amount}} {{unit}}', { amount: 3, unit: 'months' }, durationSchema, en)).toBe(
      'Wait 3 months',
    );
  });
});

describe('an audience in a summary', () => {
  const schema: JsonSchema = {
    type: 'object',
    properties: { segmentId: { type: 'string', 'x-widget': 'segment' } },
  };
  it('reads as the audience name and rule in words, not cut', () => {
    const words = '90 天未购买（最近一次 order_paid 超过 90 天前）';
    const fmt: SummaryFormat = { ...zh, segmentLabel: (id) => (id === 's1' ? words : undefined) };
    expect(renderSummary('进入人群：{{segmentId}}', { segmentId: 's1' }, schema, fmt)).toBe(
      `进入人群：${words}`,
    );
  });
  it('falls back to the id while the audience is unknown, and to 未设置 when none is picked', () => {
    expect(renderSummary('进入人群：{{segmentId}}', { segmentId: 's2' }, schema, zh)).toBe('进入人群：s2');
    expect(renderSummary('进入人群：{{segmentId}}', {}, schema, zh)).toBe('进入人群：未设置');
  });
});

describe('summaries show names and readable previews, never ids or template syntax', () => {
  const named: SummaryFormat = {
    ...zh,
    linkWord: '[链接]',
    eventLabel: (name) => (name === 'order_paid' ? '订单支付（order_paid）' : undefined),
    variableLabel: (path) => ({ 'member.name': '会员昵称', 'coupon.code': '券码' })[path],
  };
  const eventSchema: JsonSchema = {
    type: 'object',
    properties: { event: { type: 'string', 'x-widget': 'event' } },
  };

  it('names an event by its display name, and keeps an unknown one as typed', () => {
    expect(renderSummary('当会员 {{event}}', { event: 'order_paid' }, eventSchema, named)).toBe(
      '当会员 订单支付（order_paid）',
    );
    expect(renderSummary('当会员 {{event}}', { event: 'vip_visit' }, eventSchema, named)).toBe(
      '当会员 vip_visit',
    );
  });

  it('previews a message with its variables as words (defaults and unknown variables too)', () => {
    expect(
      renderSummary('{{body}}', { body: '{{member.name}}，券码 {{ coupon.code }}' }, undefined, named),
    ).toBe('[会员昵称]，券码 [券码]');
    expect(renderSummary('{{body}}', { body: '{{member.attributes.city | 上海}}见' }, undefined, named)).toBe(
      '[city]见',
    );
  });

  it('takes the first filled field of `{{a|b}}`: an SMS template node shows its template, not 未设置', () => {
    const content = { templateCode: 'SMS_271525576', params: { name: '{{member.name}}' } };
    const message: JsonSchema = {
      type: 'object',
      properties: { body: { type: 'string' }, content: { type: 'object', 'x-widget': 'channelContent' } },
    };
    expect(renderSummary('{{body|content}}', { content }, message, named)).toBe('SMS_271525576');
    expect(renderSummary('{{body|content}}', { body: '你好 {{member.name}}', content }, message, named)).toBe(
      '你好 [会员昵称]',
    );
    expect(renderSummary('{{body|content}}', {}, undefined, named)).toBe('未设置');
  });
});
