/**
 * CSV for Excel on Chinese Windows: UTF-8 with a byte-order mark (without it Excel reads the bytes as GBK
 * and the Chinese turns to mojibake), CRLF line ends, RFC 4180 quoting.
 */
export type Cell = string | number | null | undefined;

/** A text cell that Excel would run as a formula (=, +, -, @, tab, CR) starts with a quote mark instead. */
function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return `\ufeff${[header, ...rows].map((r) => r.map(cellText).join(',')).join('\r\n')}\r\n`;
}

/** A file name with the journey's name and the range, without characters Windows refuses in names. */
export function csvFileName(journeyName: string, table: string, from: string, to: string): string {
  const safe = (s: string) =>
    [...s]
      .map((ch) => (ch.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(ch) ? '_' : ch))
      .join('')
      .replace(/_+/g, '_')
      .trim()
      .slice(0, 80);
  return `${safe(journeyName) || 'journey'}-${safe(table)}-${from}_${to}.csv`;
}

/** Hands the CSV to the browser as a download. */
export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // the click has handed the blob to the download; revoking later keeps slow browsers from losing it
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
