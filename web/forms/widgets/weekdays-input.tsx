import { Button, Checkbox, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { WidgetProps } from './widget-props';

const DAYS = [1, 2, 3, 4, 5, 6, 7];
const WORKDAYS = [1, 2, 3, 4, 5];
const WEEKEND = [6, 7];

/** ISO weekdays (1 = Monday … 7 = Sunday); none chosen means every day. */
export function WeekdaysInput({ value, onChange, disabled, testId }: WidgetProps<number[] | undefined>) {
  const { t } = useTranslation();
  const chosen = value ?? [];
  const set = (days: number[]) => onChange(days.length ? [...days].sort((a, b) => a - b) : undefined);
  return (
    <div className="yt-weekdays" data-testid={testId}>
      <Checkbox.Group
        value={chosen}
        disabled={disabled}
        onChange={(v) => set(v as number[])}
        options={DAYS.map((d) => ({ value: d, label: t(`weekday.short.${d}`) }))}
      />
      {!disabled && (
        <Space size={4} className="yt-weekdays__quick">
          <Button size="small" onClick={() => set(WORKDAYS)} data-testid={`${testId}-workdays`}>
            {t('weekday.workdays')}
          </Button>
          <Button size="small" onClick={() => set(WEEKEND)}>
            {t('weekday.weekend')}
          </Button>
          <Button size="small" onClick={() => set([])}>
            {t('weekday.everyDay')}
          </Button>
        </Space>
      )}
    </div>
  );
}
