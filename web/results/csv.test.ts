import { describe, expect, it } from 'vitest';
import { csvFileName, toCsv } from './csv';

describe('toCsv', () => {
  it('starts with a BOM, ends lines with CRLF and quotes what needs quoting', () => {
    const csv = toCsv(
      ['变体', '转化率'],
      [
        ['A 组', 0.052],
        ['含,逗号', null],
        ['说 "好"', 3],
        ['两\n行', undefined],
      ],
    );
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.slice(1)).toBe('变体,转化率\r\nA 组,0.052\r\n"含,逗号",\r\n"说 ""好""",3\r\n"两\n行",\r\n');
  });

  it('keeps a text cell that looks like a formula from running in Excel, and leaves negative numbers alone', () => {
    const csv = toCsv(['x'], [['=HYPERLINK("http://evil")'], ['@SUM(A1)'], ['-1+2'], [-3]]);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'x',
      `"'=HYPERLINK(""http://evil"")"`,
      "'@SUM(A1)",
      "'-1+2",
      '-3',
      '',
    ]);
  });

  it('writes nothing for NaN and infinities', () => {
    expect(toCsv(['a', 'b'], [[Number.NaN, Number.POSITIVE_INFINITY]]).slice(1)).toBe('a,b\r\n,\r\n');
  });
});

describe('csvFileName', () => {
  it('names the journey, the table and the range, without characters Windows refuses', () => {
    expect(csvFileName('流失召回 A/B: 短信?', '变体', '2026-11-01', '2026-11-30')).toBe(
      '流失召回 A_B_ 短信_-变体-2026-11-01_2026-11-30.csv',
    );
    expect(csvFileName('  ', 'nodes', '2026-01-01', '2026-01-02')).toBe(
      'journey-nodes-2026-01-01_2026-01-02.csv',
    );
  });
});
