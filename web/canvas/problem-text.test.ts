import i18n from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonSchema, Problem, ProblemCode } from '../api/types';
import en from '../i18n/en.json';
import zh from '../i18n/zh.json';
import {
  checkMessageText,
  isSettingsProblem,
  settingsFieldErrors,
  settingsProblemText,
} from './problem-text';

// The journey settings schema as served (journeySettings.configSchema), trimmed to what matters.
const settingsSchema: JsonSchema = {
  type: 'object',
  properties: {
    goal: {
      type: 'object',
      'x-label': { zh: '转化目标', en: 'Goal' },
      properties: { event: { type: 'string', 'x-label': { zh: '转化事件', en: 'Conversion event' } } },
    },
    exits: {
      type: 'array',
      'x-widget': 'exits',
      items: {
        oneOf: [
          {
            type: 'object',
            properties: {
              kind: { const: 'tag' },
              tag: { type: 'string', 'x-label': { zh: '标签', en: 'Tag' } },
            },
          },
          {
            type: 'object',
            properties: {
              kind: { const: 'attribute' },
              value: { 'x-label': { zh: '值', en: 'Value' } },
            },
          },
        ],
      },
    },
  },
};

beforeAll(async () => {
  await i18n.init({ lng: 'zh', resources: { zh: { translation: zh }, en: { translation: en } } });
});

const problem = (field: string, message = 'x'): Problem => ({
  nodeId: '',
  field,
  code: 'invalid_settings',
  message,
});

describe('journey settings problems', () => {
  it('are the journey-level ones about settings.*', () => {
    expect(isSettingsProblem(problem('settings.goal.event'))).toBe(true);
    expect(isSettingsProblem({ nodeId: '', code: 'trigger_count', message: 'x' })).toBe(false);
    expect(
      isSettingsProblem({ nodeId: 'n1', field: 'settings.x', code: 'invalid_config', message: 'x' }),
    ).toBe(false);
  });

  it('mark the panel field they name, in words', () => {
    const settings = { goal: { event: '' }, exits: [{ kind: 'tag', tag: 'vip' }, { kind: 'attribute' }] };
    const problems = [
      problem('settings.goal.event', 'choose an event'),
      problem('settings.exits.1.value', 'a value is needed for this comparison'),
      { nodeId: 'n1', field: 'body', code: 'invalid_config' as const, message: 'write the message' },
    ];
    const t = i18n.t.bind(i18n);
    const errors = settingsFieldErrors(problems, (p) =>
      settingsProblemText(t, 'zh', p, settingsSchema, settings),
    );
    expect(Object.fromEntries(errors)).toEqual({
      'goal.event': ['旅程设置：请填写「转化事件」'],
      'exits.1.value': ['旅程设置：请填写「值」'],
    });
  });

  it('name a field that is filled but wrong', () => {
    const t = i18n.t.bind(i18n);
    const text = settingsProblemText(t, 'zh', problem('settings.exits.0.tag'), settingsSchema, {
      exits: [{ kind: 'tag', tag: '!!' }],
    });
    expect(text).toBe('旅程设置「标签」填写不正确');
  });
});

describe('problem words', () => {
  it('exist for every problem code, in both languages', () => {
    // a code the engine adds fails the type check here until it has words
    const zhWords: Record<ProblemCode, string> = zh.problem;
    const enWords: Record<ProblemCode, string> = en.problem;
    expect(Object.keys(zhWords).sort()).toEqual(Object.keys(enWords).sort());
  });

  it('say the checks a marketer meets with a split in their language', () => {
    const t = i18n.t.bind(i18n);
    expect(checkMessageText(t, 'a holdout is at most 50%')).toBe('对照组最多占 50%');
    expect(checkMessageText(t, 'percentages add up to 90, not 100')).toBe('各组比例合计 90%，应为 100%');
    expect(checkMessageText(t, 'something new')).toBe('something new');
  });

  it('say which workspace secret a webhook names that the workspace does not have', () => {
    const t = i18n.t.bind(i18n);
    expect(
      checkMessageText(t, 'the workspace has no secret named crm_signing (an admin adds it in settings)'),
    ).toBe('工作区中没有名为 crm_signing 的密钥（请管理员在「设置 → 密钥」中添加）');
  });
});

describe('the two languages', () => {
  it('have the same keys', () => {
    const keys = (o: object, p = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        v && typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`],
      );
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });
});
