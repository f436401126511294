import { describe, expect, it } from 'vitest';
import zh from '../i18n/zh.json';
import { settingsErrorKey, settingsErrors } from './settings-errors';

const t = (key: string) => key.split('.').reduce<any>((o, k) => o?.[k], zh) ?? key;

describe('settings errors from a 422', () => {
  it('name each refused field in words', () => {
    // what the API answers for a cap of 0, quiet hours that start where they end and an unknown zone
    const issues = [
      { field: 'timezone', message: 'not an IANA time zone, e.g. Asia/Shanghai' },
      { field: 'quietHours.end', message: 'quiet hours cannot start where they end' },
      { field: 'frequencyCaps.1.max', message: 'a cap allows at least 1 message' },
      { field: 'frequencyCaps.0.perDays', message: 'Too big: expected number to be <=365' },
    ];
    expect(Object.fromEntries(settingsErrors(issues, t))).toEqual({
      timezone: '不是有效的时区，例如 Asia/Shanghai',
      'quietHours.end': '开始和结束不能是同一时刻',
      'frequencyCaps.1.max': '最多条数须是 1–1000 的整数',
      'frequencyCaps.0.perDays': '天数须是 1–365 的整数',
    });
  });

  it('names a refused personal attribute', () => {
    expect(settingsErrorKey({ field: 'personalAttributes.2', message: 'name an attribute' })).toBe(
      'settings.error.personalAttribute',
    );
  });

  it('tells a badly written time from quiet hours that start where they end', () => {
    expect(settingsErrorKey({ field: 'quietHours.start', message: 'a time such as 09:00' })).toBe(
      'settings.error.time',
    );
  });

  it('has words for every key it can give, in both languages', async () => {
    const en = (await import('../i18n/en.json')).default;
    for (const key of [
      'timezone',
      'quietHoursSame',
      'time',
      'max',
      'perDays',
      'channel',
      'tooMany',
      'other',
    ]) {
      expect(zh.settings.error).toHaveProperty(key);
      expect(en.settings.error).toHaveProperty(key);
    }
  });
});
