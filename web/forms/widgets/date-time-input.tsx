import { DatePicker } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { WidgetProps } from './widget-props';

/** A moment (journey entry opens / closes): picked in local time, stored as ISO 8601 with its offset. */
export function DateTimeInput({ value, onChange, disabled, testId }: WidgetProps<string | undefined>) {
  const { t } = useTranslation();
  const v = value ? dayjs(value) : null;
  return (
    <DatePicker
      showTime={{ format: 'HH:mm' }}
      format="YYYY-MM-DD HH:mm"
      value={v?.isValid() ? v : null}
      onChange={(d) => onChange(d ? d.second(0).millisecond(0).format() : undefined)}
      disabled={disabled}
      placeholder={t('form.pickTime')}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}
