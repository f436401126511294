import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvToMembers, decodeCsv, parseCsv } from './member-csv';

// Real GBK bytes, as Excel on Chinese Windows saves 「CSV（逗号分隔）」 (written with Python's gbk codec).
const gbk = readFileSync(join(import.meta.dirname, 'fixtures/members-gbk.csv'));
const utf8 = new TextEncoder().encode('external_id,姓名,标签\nm1,王小明,vip|新客\n');

describe('decodeCsv', () => {
  it('reads a GBK file as Chinese, detected without being told', () => {
    expect(gbk.includes(0xd0)).toBe(true); // 姓 in GBK is D0 D5: the fixture really is GBK, not UTF-8
    const d = decodeCsv(gbk);
    expect(d).toMatchObject({ ok: true, encoding: 'gb18030' });
    if (!d.ok) return;
    const { members } = csvToMembers(parseCsv(d.text));
    expect(members.map((m) => m.member)).toEqual([
      {
        id: 'm2001',
        name: '王小明',
        phone: '13800001111',
        tags: ['vip', '新客'],
        attributes: { 城市: '上海' },
      },
      { id: 'm2002', name: '李华', phone: '13900002222', tags: ['高价值'], attributes: { 城市: '北京' } },
      { id: 'm2003', name: '张伟（测试）', phone: '13700003333', attributes: { 城市: '广州' } },
    ]);
  });

  it('reads UTF-8 with and without a BOM, the BOM dropped', () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
    for (const bytes of [utf8, bom]) {
      const d = decodeCsv(bytes);
      expect(d).toMatchObject({ ok: true, encoding: 'utf-8' });
      if (d.ok) expect(d.text.startsWith('external_id')).toBe(true);
    }
  });

  it('refuses a GBK file forced to UTF-8 rather than importing mojibake', () => {
    expect(decodeCsv(gbk, 'utf-8')).toEqual({ ok: false, error: 'undecodable', encoding: 'utf-8' });
  });

  it('decodes as told when the marketer picks GB18030', () => {
    const d = decodeCsv(gbk, 'gb18030');
    expect(d.ok && d.text.split('\r\n')[1]).toBe('m2001,王小明,13800001111,vip|新客,上海');
  });

  it('refuses bytes that are text in neither encoding, and binary files', () => {
    expect(decodeCsv(new Uint8Array([0x61, 0xff, 0xfe, 0x80, 0x62]))).toMatchObject({
      ok: false,
      error: 'undecodable',
    });
    // an .xlsx is a zip: "PK\\x03\\x04" and NULs
    expect(decodeCsv(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]))).toMatchObject({
      ok: false,
      error: 'binary',
    });
  });
});
