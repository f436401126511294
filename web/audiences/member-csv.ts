/**
 * Member CSV import, in the browser: the file is parsed here and sent to POST /api/members/batch in batches
 * of at most 1,000 rows, so a file of any size never travels as one request and a refused row names its line.
 */

export const IMPORT_BATCH = 1000;

/** How a file's bytes are read: `auto` tries UTF-8 (with or without BOM), then GB18030 (GBK's superset). */
export type CsvEncoding = 'auto' | 'utf-8' | 'gb18030';

export type DecodedCsv =
  | { ok: true; text: string; encoding: 'utf-8' | 'gb18030' }
  /** `undecodable`: not text in the encoding(s) tried; `binary`: a spreadsheet or other binary file, not CSV */
  | { ok: false; error: 'undecodable' | 'binary'; encoding: CsvEncoding };

function decodeAs(bytes: Uint8Array, encoding: 'utf-8' | 'gb18030'): string | null {
  try {
    // fatal: a byte sequence the encoding cannot hold is an error, never a U+FFFD that would import as mojibake
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * A CSV file's bytes as text. Excel on Chinese Windows saves CSV in GBK; most other tools in UTF-8 (Excel's
 * "CSV UTF-8" with a BOM). Valid UTF-8 is almost never valid GBK text by accident and the other way round,
 * so `auto` tries UTF-8 strictly first, then GB18030; the marketer can force either (the preview shows what
 * came out). Text that neither reads is refused, as is a binary file (an .xlsx renamed .csv).
 */
export function decodeCsv(bytes: Uint8Array, encoding: CsvEncoding = 'auto'): DecodedCsv {
  const order: ('utf-8' | 'gb18030')[] = encoding === 'auto' ? ['utf-8', 'gb18030'] : [encoding];
  for (const e of order) {
    const text = decodeAs(bytes, e);
    if (text === null) continue;
    // NUL never appears in CSV text: this is a zip (xlsx) or another binary file
    if (text.includes('\u0000')) return { ok: false, error: 'binary', encoding };
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, encoding: e };
  }
  return { ok: false, error: 'undecodable', encoding };
}

/** RFC 4180 CSV: quoted fields with commas, quotes ("") and line breaks; CRLF or LF; a UTF-8 BOM dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  // blank lines (often a trailing one) are not rows
  return rows.filter((r) => r.some((x) => x.trim() !== ''));
}

/** One member row for the batch route, and the file line it came from (1 = the header). */
export interface CsvMember {
  line: number;
  member: Record<string, unknown>;
}

const ID = new Set(['external_id', 'externalid', 'id', 'member_id', 'memberid', '会员id', '会员编号']);
const FIELDS: Record<string, string> = {
  name: 'name',
  姓名: 'name',
  phone: 'phone',
  mobile: 'phone',
  手机: 'phone',
  手机号: 'phone',
  email: 'email',
  邮箱: 'email',
  timezone: 'timezone',
  时区: 'timezone',
  tags: 'tags',
  标签: 'tags',
  registered_at: 'registeredAt',
  registeredat: 'registeredAt',
  注册时间: 'registeredAt',
};

/** A cell read as what it most likely holds: a number, true/false, or text. */
export function cellValue(text: string): string | number | boolean {
  const s = text.trim();
  if (s === 'true') return true;
  if (s === 'false') return false;
  // ids with leading zeros and phone-like strings stay text
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(s)) return Number(s);
  return s;
}

function yesNo(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'y', '是', '同意'].includes(s)) return true;
  if (['false', '0', 'no', 'n', '否', '退订', '拒绝'].includes(s)) return false;
  return undefined;
}

/** What a header column becomes in the member: a field, a consent channel, or an attribute. */
export function columnTarget(
  header: string,
):
  | { kind: 'id' }
  | { kind: 'field'; key: string }
  | { kind: 'consent'; channel: string }
  | { kind: 'attribute'; key: string } {
  const h = header.trim();
  const low = h.toLowerCase();
  if (ID.has(low)) return { kind: 'id' };
  if (FIELDS[low]) return { kind: 'field', key: FIELDS[low] };
  const consent = /^consent[._:](.+)$/i.exec(h);
  if (consent) return { kind: 'consent', channel: consent[1].toLowerCase() };
  const attr = /^(?:attributes?|attr)[._:](.+)$/i.exec(h);
  return { kind: 'attribute', key: attr ? attr[1] : h };
}

/**
 * The file's rows as members: the header row names the columns (external_id, name, phone, email, timezone,
 * tags split on | ; or ，, registered_at, consent.sms…, anything else an attribute). Empty cells are left out,
 * so an import never clears what a member already has. A file without an id column is refused whole.
 */
export function csvToMembers(rows: string[][]): { members: CsvMember[]; error?: 'empty' | 'no_id_column' } {
  if (rows.length < 2) return { members: [], error: 'empty' };
  const targets = rows[0].map(columnTarget);
  if (!targets.some((t) => t.kind === 'id')) return { members: [], error: 'no_id_column' };
  const members = rows.slice(1).map((cells, i) => {
    const m: Record<string, unknown> = {};
    const attributes: Record<string, unknown> = {};
    const consent: Record<string, boolean> = {};
    targets.forEach((t, c) => {
      const raw = cells[c] ?? '';
      if (raw.trim() === '') return;
      if (t.kind === 'id') m.id = raw.trim();
      else if (t.kind === 'field' && t.key === 'tags')
        m.tags = raw
          .split(/[|;；，]/)
          .map((x) => x.trim())
          .filter(Boolean);
      else if (t.kind === 'field') m[t.key] = raw.trim();
      else if (t.kind === 'consent') {
        const v = yesNo(raw);
        // a consent cell that is neither yes nor no is sent as written, and the server names the field
        if (v === undefined) consent[t.channel] = raw as never;
        else consent[t.channel] = v;
      } else attributes[t.key] = cellValue(raw);
    });
    if (Object.keys(attributes).length) m.attributes = attributes;
    if (Object.keys(consent).length) m.consent = consent;
    return { line: i + 2, member: m };
  });
  return { members };
}

/** Consecutive batches of at most `size`. */
export function batches<T>(items: T[], size = IMPORT_BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One refused row of an import: its file line, id, field and reason. */
export interface RowError {
  line: number;
  id?: string;
  field: string;
  message: string;
}

/** A batch's answer as file lines: the route's per-row `index` is within the batch sent. */
export function batchErrors(
  batch: CsvMember[],
  errors: { index: number; id?: string; field: string; message: string }[],
): RowError[] {
  return errors.map((e) => ({
    line: batch[e.index]?.line ?? -1,
    id: e.id ?? (batch[e.index]?.member.id as string | undefined),
    field: e.field,
    message: e.message,
  }));
}

/** A batch that failed whole (network, server away): every row in it is reported, so none is lost silently. */
export function failedBatch(batch: CsvMember[], message: string): RowError[] {
  return batch.map((r) => ({
    line: r.line,
    id: r.member.id as string | undefined,
    field: 'batch',
    message,
  }));
}

/** i18n key for a refused row's reason, by the field the route names (its message is English). */
export function rowErrorKey(e: Pick<RowError, 'field' | 'message'>): string {
  const top = e.field.split('.')[0];
  if (top === 'batch') return 'import.reason.batch';
  if (top === 'id') return 'import.reason.id';
  if (top === 'email') return 'import.reason.email';
  if (top === 'timezone') return 'import.reason.timezone';
  if (top === 'registeredAt') return 'import.reason.registeredAt';
  if (top === 'consent') return 'import.reason.consent';
  if (top === 'attributes')
    return /32 KB/.test(e.message) ? 'import.reason.tooBig' : 'import.reason.attributes';
  if (top === 'tags') return 'import.reason.tags';
  if (top === 'name' || top === 'phone') return 'import.reason.text';
  return 'import.reason.other';
}

/**
 * A cell as a spreadsheet reads it safely: text that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
 * leading `'` so Excel or WPS shows it instead of running it (OWASP CSV injection). The ids and messages in
 * these files come from the uploaded file and the server, so they are anyone's text. Plain numbers (`-1`)
 * stay as they are.
 */
function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^[-+]?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The refused rows as a CSV to download and fix. */
export function errorsCsv(errors: RowError[], header = ['line', 'external_id', 'field', 'message']): string {
  return [header, ...errors.map((e) => [e.line, e.id, e.field, e.message])]
    .map((r) => r.map(csvCell).join(','))
    .join('\n');
}

/**
 * Member ids pasted or uploaded for a broadcast: one per line, or comma / whitespace separated. A CSV whose
 * header names an id column (external_id…) gives that column only.
 */
export function parseMemberIds(text: string): string[] {
  const rows = parseCsv(text);
  const col = (rows[0] ?? []).findIndex((h) => columnTarget(h).kind === 'id');
  const cells = col >= 0 ? rows.slice(1).map((r) => r[col] ?? '') : rows.flat();
  const ids = cells
    .flatMap((c) => c.split(/\s+/))
    .map((x) => x.trim())
    .filter(Boolean);
  return [...new Set(ids)];
}
