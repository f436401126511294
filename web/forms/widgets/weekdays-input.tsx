import { Button, Space, Tag } from 'antd';
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
      <div className="yt-weekdays__days">
        {DAYS.map((d) => (
          <Tag.CheckableTag
            key={d}
            checked={chosen.includes(d)}
            onChange={(on) => !disabled && set(on ? [...chosen, d] : chosen.filter((x) => x !== d))}
            className={`yt-weekdays__day${disabled ? ' is-disabled' : ''}`}
            data-testid={`${testId}-${d}`}
            aria-label={t(`weekday.name.${d}`)}
          >
            {t(`weekday.short.${d}`)}
          </Tag.CheckableTag>
        ))}
      </div>
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
