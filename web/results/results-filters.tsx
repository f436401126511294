import { Alert, DatePicker, Select, Space, Spin } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JourneyDetail } from '../api/types';
import { type DateRange, rangeProblem, todayIn, toRange } from './range';

/** Version and date range; a range over two years (or reversed) is refused here, with the reason. */
export function ResultsFilters({
  journey,
  version,
  onVersion,
  range,
  onRange,
  timeZone,
  loading,
}: {
  journey: JourneyDetail | undefined;
  version: number | undefined;
  onVersion(v: number | undefined): void;
  /** null until the server said which days it answered */
  range: DateRange | null;
  onRange(r: DateRange): void;
  /** the workspace's, for the presets' "today" */
  timeZone: string | undefined;
  loading: boolean;
}) {
  const { t } = useTranslation();
  const [problem, setProblem] = useState<'too_long' | 'reversed' | null>(null);
  const today = todayIn(timeZone);
  const preset = (days: number) => ({
    label: t('results.filters.lastDays', { days }),
    value: [today.subtract(days - 1, 'day'), today] as [Dayjs, Dayjs],
  });
  return (
    <div className="yt-results__filters">
      <Space wrap size={[12, 8]}>
        <Select<number | 'all'>
          data-testid="results-version"
          style={{ width: 150 }}
          value={version ?? 'all'}
          onChange={(v) => onVersion(v === 'all' ? undefined : v)}
          options={[
            { value: 'all', label: t('results.filters.allVersions') },
            ...[...(journey?.versions ?? [])]
              .sort((a, b) => b.version - a.version)
              .map((v) => ({ value: v.version, label: `v${v.version}` })),
          ]}
        />
        <DatePicker.RangePicker
          data-testid="results-range"
          allowClear={false}
          value={range ? [dayjs(range.from), dayjs(range.to)] : null}
          presets={[preset(7), preset(30), preset(90), preset(365)]}
          onChange={(values) => {
            const [from, to] = values ?? [];
            if (!from || !to) return;
            const why = rangeProblem(from, to);
            setProblem(why);
            if (!why) onRange(toRange(from, to));
          }}
        />
        {loading && <Spin size="small" data-testid="results-loading" />}
      </Space>
      {problem && (
        <Alert
          className="yt-results__range-problem"
          type="error"
          showIcon
          closable={{ onClose: () => setProblem(null) }}
          data-testid="range-problem"
          title={t(problem === 'too_long' ? 'results.filters.tooLong' : 'results.filters.reversed')}
        />
      )}
    </div>
  );
}
