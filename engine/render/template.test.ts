import { describe, expect, it } from 'vitest';
import { renderTemplate, templateVariables } from './template.js';

describe('renderTemplate', () => {
  const scope = {
    member: { name: '王小明', attributes: { city: '上海', level: 3 } },
    coupon: { code: 'YT-ABC123' },
  };

  it('fills member, attribute and coupon variables', () => {
    expect(
      renderTemplate('{{member.name}}，您的券码 {{ coupon.code }}（{{member.attributes.city}}）', scope),
    ).toBe('王小明，您的券码 YT-ABC123（上海）');
  });

  it('renders numbers and leaves text without variables alone', () => {
    expect(renderTemplate('Level {{member.attributes.level}}', scope)).toBe('Level 3');
    expect(renderTemplate('no variables {here}', scope)).toBe('no variables {here}');
  });

  it('uses the fallback for missing or empty values, else nothing', () => {
    expect(renderTemplate('Hi {{member.nickname|亲爱的会员}}!', scope)).toBe('Hi 亲爱的会员!');
    expect(renderTemplate('Hi {{member.attributes.missing}}!', scope)).toBe('Hi !');
    expect(renderTemplate('{{coupon.code}}', { member: {} })).toBe('');
    expect(renderTemplate('{{member.name|x}}', { member: { name: '' } })).toBe('x');
  });

  it('does not walk into non-objects', () => {
    expect(renderTemplate('{{member.name.first}}', scope)).toBe('');
  });

  it('lists variables', () => {
    expect(templateVariables('{{member.name}} {{coupon.code|none}}')).toEqual(['member.name', 'coupon.code']);
  });
});
