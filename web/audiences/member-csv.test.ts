import { describe, expect, it } from 'vitest';
import {
  batchErrors,
  batches,
  cellValue,
  csvToMembers,
  errorsCsv,
  failedBatch,
  parseCsv,
  parseMemberIds,
  rowErrorKey,
} from './member-csv';

describe('member CSV', () => {
  it('parses quoted fields, doubled quotes, line breaks in quotes, CRLF, a BOM and blank lines', () => {
    const text = '\ufeffexternal_id,name,note\r\nm1,"王, 小明","say ""hi""\nthere"\r\n\r\nm2,李雷,\n';
    expect(parseCsv(text)).toEqual([
      ['external_id', 'name', 'note'],
      ['m1', '王, 小明', 'say "hi"\nthere'],
      ['m2', '李雷', ''],
    ]);
  });

  it('maps the header to member fields, tags, consent and attributes; leaves empty cells out', () => {
    const rows = parseCsv(
      [
        'external_id,姓名,phone,email,timezone,tags,consent.sms,city,attributes.level,registered_at',
        'm1,王小明,13800000000,a@b.cn,Asia/Shanghai,vip|新客,是,上海,3,2025-01-02',
        'm2,,,,,,0,,,',
      ].join('\n'),
    );
    expect(csvToMembers(rows)).toEqual({
      members: [
        {
          line: 2,
          member: {
            id: 'm1',
            name: '王小明',
            phone: '13800000000',
            email: 'a@b.cn',
            timezone: 'Asia/Shanghai',
            tags: ['vip', '新客'],
            registeredAt: '2025-01-02',
            attributes: { city: '上海', level: 3 },
            consent: { sms: true },
          },
        },
        { line: 3, member: { id: 'm2', consent: { sms: false } } },
      ],
    });
  });

  it('refuses a file without an id column, and an empty file', () => {
    expect(csvToMembers(parseCsv('name,phone\n王,1\n')).error).toBe('no_id_column');
    expect(csvToMembers(parseCsv('external_id\n')).error).toBe('empty');
  });

  it('reads numbers as numbers but keeps leading zeros and long digit strings as text', () => {
    expect(cellValue('42')).toBe(42);
    expect(cellValue('-1.5')).toBe(-1.5);
    expect(cellValue('007')).toBe('007');
    expect(cellValue('true')).toBe(true);
    expect(cellValue('1234567890123456789')).toBe('1234567890123456789');
  });

  it('sends at most 1000 rows a batch', () => {
    expect(batches(Array.from({ length: 2500 }, (_, i) => i)).map((b) => b.length)).toEqual([
      1000, 1000, 500,
    ]);
  });

  it('turns a batch answer into file lines, and a failed batch into one error per row', () => {
    const batch = [
      { line: 1002, member: { id: 'a' } },
      { line: 1003, member: { id: 'b' } },
    ];
    expect(batchErrors(batch, [{ index: 1, field: 'email', message: 'Invalid email' }])).toEqual([
      { line: 1003, id: 'b', field: 'email', message: 'Invalid email' },
    ]);
    expect(failedBatch(batch, 'network')).toEqual([
      { line: 1002, id: 'a', field: 'batch', message: 'network' },
      { line: 1003, id: 'b', field: 'batch', message: 'network' },
    ]);
    expect(errorsCsv([{ line: 3, id: 'x', field: 'email', message: 'bad, "very"' }])).toBe(
      'line,external_id,field,message\n3,x,email,"bad, ""very"""',
    );
  });

  it('neutralises cells a spreadsheet would run as a formula (CSV injection), and keeps plain numbers', () => {
    const csv = errorsCsv([
      { line: 2, id: '=HYPERLINK("http://evil.test","x")', field: 'name', message: "+cmd|' /C calc'!A0" },
      { line: 3, id: '-2+3', field: '@SUM(A1)', message: '\tindented' },
      { line: 4, id: '\r=1', field: 'email', message: 'fine = fine' },
      { line: -1, id: '-5', field: 'batch', message: '+86 138' },
    ]);
    expect(csv.split('\n').slice(1)).toEqual([
      `2,"'=HYPERLINK(""http://evil.test"",""x"")",name,'+cmd|' /C calc'!A0`,
      "3,'-2+3,'@SUM(A1),'\tindented",
      '4,"\'\r=1",email,fine = fine',
      "-1,-5,batch,'+86 138",
    ]);
  });

  it('reads pasted member ids in any separator, or the id column of a CSV', () => {
    expect(parseMemberIds('m1\nm2, m3 m4\n\nm1')).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(parseMemberIds('external_id,name\nm1,王\nm2,李\n')).toEqual(['m1', 'm2']);
  });

  it('names the reason of a refused row by its field', () => {
    const key = (field: string, message = 'Invalid') => rowErrorKey({ field, message });
    expect(key('email')).toBe('import.reason.email');
    expect(key('consent.sms')).toBe('import.reason.consent');
    expect(key('attributes', 'with the stored attributes this passes 32 KB')).toBe('import.reason.tooBig');
    expect(key('batch', 'network')).toBe('import.reason.batch');
    expect(key('something')).toBe('import.reason.other');
  });
});
