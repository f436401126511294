import { describe, expect, it } from 'vitest';
import { monthBounds } from '../guard/guard.js';
import { renderMessage } from './deliver.js';
import sms, { signRpc } from './sms.channel.js';
import wechat from './wechat.channel.js';
import { classifyWeixin } from './weixin-token.js';

/** The pure parts of channels: rendering, callback parsing, error classification, the quota's month. */
describe('channel parts', () => {
  it('fills variables into every string of a form, HTML-escaping only the html fields', () => {
    const scope = { member: { name: '<b>阿明</b>', attributes: { city: '' } }, coupon: { code: 'YT1' } };
    const out = renderMessage(
      {
        subject: '{{member.name}}',
        html: '<p>{{member.name}} {{coupon.code}}</p>',
        params: { city: '{{member.attributes.city|上海}}' },
      },
      scope,
      ['html'],
    );
    expect(out).toEqual({
      subject: '<b>阿明</b>',
      html: '<p>&lt;b&gt;阿明&lt;/b&gt; YT1</p>',
      params: { city: '上海' },
    });
  });

  it('signs RPC requests over the sorted, RFC 3986-encoded query (space %20, * %2A, ~ kept)', () => {
    const a = signRpc('POST', { B: 'x y', A: '*~' }, 'k');
    const b = signRpc('POST', { A: '*~', B: 'x y' }, 'k');
    expect(a).toBe(b);
    expect(a).not.toBe(signRpc('POST', { A: '*~', B: 'x+y' }, 'k'));
  });

  it('reads Aliyun SmsReport and WeChat TEMPLATESENDJOBFINISH reports', () => {
    expect(
      sms.parseCallback?.(
        JSON.stringify([
          { biz_id: '1^0', success: true, err_code: 'DELIVERED' },
          { biz_id: '2^0', success: false, err_code: 'MK:0001', err_msg: '关机' },
        ]),
        'application/json',
      ),
    ).toEqual([
      { providerId: '1^0', status: 'delivered' },
      { providerId: '2^0', status: 'failed', error: 'MK:0001 关机' },
    ]);
    const xml = (status: string) =>
      `<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA[${status}]]></Status></xml>`;
    expect(wechat.parseCallback?.(xml('success'), 'text/xml')).toEqual([
      { providerId: '200163836', status: 'delivered' },
    ]);
    expect(wechat.parseCallback?.(xml('failed: system failed'), 'text/xml')).toEqual([
      { providerId: '200163836', status: 'failed', error: 'failed: system failed' },
    ]);
    expect(wechat.parseCallback?.('<xml><Event>subscribe</Event></xml>', 'text/xml')).toEqual([]);
  });

  it('classifies WeChat/WeCom errcodes: 45009 rate limit, -1 busy, 40001 on token fetch permanent', () => {
    expect(classifyWeixin({ errcode: 45009, errmsg: 'api freq out of limit' }).kind).toBe('rate_limited');
    expect(classifyWeixin({ errcode: -1, errmsg: 'system busy' }).kind).toBe('transient');
    expect(classifyWeixin({ errcode: 40001, errmsg: 'invalid credential' }, true).kind).toBe('permanent');
    expect(classifyWeixin({ errcode: 40003, errmsg: 'invalid openid' }).kind).toBe('permanent');
  });

  it('counts the platform quota in calendar months of the workspace zone', () => {
    // 2026-11-30 20:00 UTC is already December 1st in Shanghai
    const { start, end } = monthBounds(Date.UTC(2026, 10, 30, 20), 'Asia/Shanghai');
    expect(new Date(start).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(new Date(end).toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });
});
