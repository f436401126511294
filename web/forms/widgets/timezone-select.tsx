import { Select } from 'antd';
import { useMemo } from 'react';
import type { WidgetProps } from './widget-props';

/** The zones the browser knows (IANA), most used by our brands first. */
const FIRST = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo'];

function zones(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...FIRST, ...all.filter((z) => !FIRST.includes(z))];
}

/** "UTC+08:00" for a zone now; empty if the browser cannot say. */
export function zoneOffset(zone: string, at = new Date()): string {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    return part === 'GMT' ? 'UTC+00:00' : (part?.replace('GMT', 'UTC') ?? '');
  } catch {
    return '';
  }
}

/** An IANA time zone, searchable by name or offset (e.g. "Shanghai", "+08"). */
export function TimezoneSelect({
  value,
  onChange,
  disabled,
  testId,
  allowClear,
  placeholder,
  status,
}: WidgetProps<string | undefined> & { allowClear?: boolean; placeholder?: string; status?: 'error' }) {
  const options = useMemo(() => {
    const list = zones();
    // a stored zone the browser does not list (e.g. "UTC") stays choosable
    if (value && !list.includes(value)) list.unshift(value);
    return list.map((z) => ({ value: z, label: `${z} · ${zoneOffset(z)}` }));
  }, [value]);
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      value={value || undefined}
      onChange={(v) => onChange(v ?? undefined)}
      options={options}
      disabled={disabled}
      allowClear={allowClear}
      placeholder={placeholder}
      status={status}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}
