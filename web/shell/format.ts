import { RUN_STATUS_COLOR } from './run-status';

type TimeLike = string | number | null | undefined;

/** `2025-01-03 14:05` in local time, from an ISO string or ms since epoch; empty for null. */
export function formatTime(at: TimeLike): string {
  if (at === null || at === undefined || at === '') return '';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** `11-27 09:00` for a time this year (with the year otherwise): short enough for a table cell. */
export function formatShortTime(at: TimeLike): string {
  if (at === null || at === undefined || at === '') return '';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  if (d.getFullYear() !== new Date().getFullYear()) return formatTime(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export const statusColor: Record<string, string> = {
  draft: 'default',
  active: 'green',
  paused: 'orange',
  archived: 'default',
  ...RUN_STATUS_COLOR,
  sent: 'green',
  skipped: 'orange',
  queued: 'blue',
  issued: 'green',
};
