/** `2025-01-03 14:05` in local time; empty for null. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** `11-27 09:00` for a time this year (with the year otherwise): short enough for a table cell. */
export function formatShortTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (d.getFullYear() !== new Date().getFullYear()) return formatTime(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export const statusColor: Record<string, string> = {
  draft: 'default',
  active: 'green',
  paused: 'orange',
  archived: 'default',
  running: 'blue',
  waiting: 'cyan',
  completed: 'green',
  exited: 'default',
  failed: 'red',
  cancelled: 'default',
  sent: 'green',
  skipped: 'orange',
  queued: 'blue',
  issued: 'green',
};
