import { describe, expect, it } from 'vitest';
import { linkProblems, renderTemplate, templateLinks, templateVariables, trackableUrl } from './template.js';

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

describe('renderTemplate on hostile templates', () => {
  const scope = {
    member: { name: '<b>王</b>', attributes: { city: '上海' }, tags: ['vip'] },
    coupon: { code: 'C&1' },
  };

  it('scans a 100 KB template with unclosed `{{` in linear time (it used to backtrack for seconds at 3 KB)', () => {
    // The shapes that made the old pattern backtrack: an opening with no close, long runs of openings.
    const inputs = [
      `{{${'a'.repeat(100_000)}`,
      `{{ ${' '.repeat(100_000)}`,
      '{{a|'.repeat(25_000),
      '{'.repeat(100_000),
      `{{${'a '.repeat(50_000)}}`,
    ];
    for (const input of inputs) expect(renderTemplate(input, scope)).toBe(input);
    // and a large template full of variables still renders every one
    const many = '{{member.name}} '.repeat(6_000);
    expect(renderTemplate(many, scope)).toBe('<b>王</b> '.repeat(6_000));
  });

  it('keeps the old pattern’s meaning at the edges', () => {
    expect(renderTemplate('{{{member.name}}}', scope)).toBe('{<b>王</b>}');
    expect(renderTemplate('{{a{{member.name}}', scope)).toBe('{{a<b>王</b>');
    expect(renderTemplate('{{member.name}b}}', scope)).toBe('{{member.name}b}}');
    expect(renderTemplate('{{|x}}', scope)).toBe('{{|x}}');
    expect(renderTemplate('{{ |x}}', scope)).toBe('x');
    expect(renderTemplate('{{member.nick|a|b}}', scope)).toBe('a|b');
    expect(templateVariables('{{{a}} {{b|c}} {{d}x}}')).toEqual(['a', 'b']);
  });

  it('reaches only the member’s own fields and the run’s variables, never the prototype chain', () => {
    for (const t of [
      '{{member.constructor}}',
      '{{member.toString}}',
      '{{__proto__.x}}',
      '{{member.__proto__}}',
      '{{member.constructor.name}}',
      '{{constructor.constructor}}',
      '{{member.tags.constructor}}',
      '{{member.hasOwnProperty}}',
      '{{coupon.code.length}}',
      '{{coupon.code.constructor}}',
    ]) {
      expect(renderTemplate(t, scope), t).toBe('');
    }
    expect(renderTemplate('{{member.tags.0}}', scope)).toBe('vip');
  });

  it('HTML-escapes values, not the template or its fallbacks, when asked (channels that render HTML)', () => {
    const t = '<p>{{member.name}} · {{coupon.code}} · {{member.nick|<i>会员</i>}}</p>';
    expect(renderTemplate(t, scope, { html: true })).toBe(
      '<p>&lt;b&gt;王&lt;/b&gt; · C&amp;1 · <i>会员</i></p>',
    );
    expect(renderTemplate(t, scope)).toBe('<p><b>王</b> · C&1 · <i>会员</i></p>');
  });
});

describe('tracked links: {{link "https://…"}}', () => {
  const scope = { member: { name: '王小明' } };
  const short = new Map([['https://shop.example.com/sale?a=1|b', 'https://s.brand.cn/l/Ab3dE5gH']]);
  const links = (url: string) => short.get(url);

  it('renders the send’s short link in place of the token', () => {
    expect(
      renderTemplate(
        '{{member.name}}，回购立减：{{link "https://shop.example.com/sale?a=1|b"}} 回T退订',
        scope,
        {
          links,
        },
      ),
    ).toBe('王小明，回购立减：https://s.brand.cn/l/Ab3dE5gH 回T退订');
    // spaces inside the braces are fine; a bar in the address is part of it, not a fallback
    expect(renderTemplate('{{ link   "https://shop.example.com/sale?a=1|b" }}', scope, { links })).toBe(
      'https://s.brand.cn/l/Ab3dE5gH',
    );
  });

  it('renders the destination itself where no short link was made (previews, skipped messages)', () => {
    expect(renderTemplate('去看看 {{link "https://例子.cn/新品"}}', scope)).toBe(
      '去看看 https://xn--fsqu00a.cn/%E6%96%B0%E5%93%81',
    );
    expect(renderTemplate('{{link "javascript:alert(1)"}}!', scope)).toBe('!');
  });

  it('escapes the link in HTML channels', () => {
    const html = renderTemplate('<a href="{{link "https://a.example.com/?x=1&y=2"}}">go</a>', scope, {
      html: true,
    });
    expect(html).toBe('<a href="https://a.example.com/?x=1&amp;y=2">go</a>');
  });

  it('lists the links apart from the variables', () => {
    const t =
      '{{member.name}} {{link "https://a.example.com"}} {{coupon.code}} {{link "https://a.example.com"}}';
    expect(templateLinks(t)).toEqual(['https://a.example.com']);
    expect(templateVariables(t)).toEqual(['member.name', 'coupon.code']);
    expect(templateLinks('{{link}} {{linked.x}} {{member.link}}')).toEqual([]);
  });

  it('names what is wrong with a link', () => {
    expect(linkProblems('{{link "https://shop.example.com/a"}} {{link "http://b.example.com"}}')).toEqual([]);
    expect(linkProblems('{{link https://shop.example.com}}')[0]).toMatch(/double quotes/);
    expect(linkProblems('{{link ""}}')[0]).toMatch(/double quotes/);
    expect(linkProblems('{{link "ftp://files.example.com"}}')[0]).toMatch(/not an http\(s\) address/);
    expect(linkProblems('{{link "javascript:alert(1)"}}')[0]).toMatch(/not an http\(s\) address/);
    expect(linkProblems('{{link "/relative/path"}}')[0]).toMatch(/not an http\(s\) address/);
    expect(linkProblems('{{link "https://user:pw@evil.example.com"}}')).toHaveLength(1);
    expect(linkProblems(`{{link "https://a.example.com/${'x'.repeat(2000)}"}}`)).toHaveLength(1);
  });

  it('accepts only absolute http(s) addresses with a host', () => {
    expect(trackableUrl('https://shop.example.com/a b')).toBe('https://shop.example.com/a%20b');
    expect(trackableUrl('HTTPS://Shop.Example.com')).toBe('https://shop.example.com/');
    for (const bad of ['', 'data:text/html,x', 'https://', 'mailto:a@b.c', '//shop.example.com', 'http:/x'])
      expect(trackableUrl(bad), bad).toBeUndefined();
  });

  it('stays linear on hostile link tokens', () => {
    const inputs = [
      `{{link "${'a'.repeat(100_000)}`,
      `{{link ${'"'.repeat(100_000)}}}`,
      '{{link "x"}}'.repeat(10_000),
    ];
    const started = performance.now();
    for (const input of inputs) renderTemplate(input, scope);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
