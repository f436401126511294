import { TimePicker } from 'antd';
import dayjs from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import type { WidgetProps } from './widget-props';

dayjs.extend(customParseFormat);

/** A local time of day as the engine stores it, "HH:MM" (seconds kept when a value has them). */
export function TimeInput({
  value,
  onChange,
  disabled,
  testId,
  placeholder,
  status,
}: WidgetProps<string> & { placeholder?: string; status?: 'error' }) {
  const withSeconds = typeof value === 'string' && value.length > 5;
  const format = withSeconds ? 'HH:mm:ss' : 'HH:mm';
  const parsed = value ? dayjs(value, format, true) : null;
  return (
    <TimePicker
      value={parsed?.isValid() ? parsed : null}
      format={format}
      minuteStep={5}
      needConfirm={false}
      allowClear={false}
      disabled={disabled}
      placeholder={placeholder}
      status={status}
      onChange={(d) => d && onChange(d.format(format))}
      data-testid={testId}
      style={{ width: 120 }}
    />
  );
}
