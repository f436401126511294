import { describe, expect, it } from 'vitest';
import { likePrefix, searchPlan } from './search-plan.js';

describe('searchPlan', () => {
  it('reads four digits as the last four of a phone, and still as an id', () => {
    expect(searchPlan(' 8000 ')).toEqual({
      text: '8000',
      kinds: ['external_id', 'phone_last4'],
      digits: '8000',
    });
  });
  it('reads a whole phone in any notation as its digits without the country code', () => {
    for (const q of ['13800138000', '138 0013 8000', '+86 138-0013-8000', '8613800138000']) {
      const plan = searchPlan(q);
      expect(plan.digits).toBe('13800138000');
      expect(plan.kinds).toContain('phone');
      expect(plan.kinds).not.toContain('name');
    }
  });
  it('reads text as a name prefix, Chinese included', () => {
    expect(searchPlan('王小').kinds).toEqual(['external_id', 'name']);
    expect(searchPlan('M_1001').kinds).toEqual([
      'external_id',
      'name',
      'wechat_openid',
      'wecom_external_userid',
    ]);
  });
  it('does not read short digit strings as phones', () => {
    expect(searchPlan('12345')).toMatchObject({ kinds: ['external_id'], digits: null });
  });
  it('escapes like wildcards', () => {
    expect(likePrefix('50%_a\\')).toBe('50\\%\\_a\\\\%');
  });
});
