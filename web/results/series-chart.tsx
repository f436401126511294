import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { SeriesPoint } from '../api/results-types';
import { niceCeil } from './axis';
import { type DateRange, daysOf } from './range';

// Only the parts drawn here, so the results chunk carries a fraction of ECharts.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Entries and conversions per day as bars, revenue (元) as a line on its own axis; quiet days show as 0. */
export function SeriesChart({ series, range }: { series: SeriesPoint[]; range: DateRange }) {
  const { t } = useTranslation();
  const option = useMemo(() => {
    const byDay = new Map(series.map((p) => [p.date, p]));
    const days = daysOf(range);
    const at = (d: string) => byDay.get(d);
    const revenue = days.map((d) => (at(d)?.revenueFen ?? 0) / 100);
    // no revenue at all (no goal value, or no order yet): no line lying on the axis, no empty ¥ axis
    const hasRevenue = revenue.some((v) => v !== 0);
    return {
      color: ['#1f6feb', '#52c41a', '#fa8c16'],
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 56, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: days.map((d) => d.slice(5)) },
      yAxis: [
        { type: 'value', minInterval: 1 },
        ...(hasRevenue
          ? [
              {
                type: 'value',
                min: 0,
                // set from the data: the axis ECharts derived beside the count axis cut the line off at its top
                max: niceCeil(Math.max(...revenue, 0)),
                axisLabel: { formatter: (v: number) => `¥${v.toLocaleString()}` },
                splitLine: { show: false },
              },
            ]
          : []),
      ],
      series: [
        { name: t('results.chart.entered'), type: 'bar', data: days.map((d) => at(d)?.entered ?? 0) },
        { name: t('results.chart.converted'), type: 'bar', data: days.map((d) => at(d)?.converted ?? 0) },
        ...(hasRevenue
          ? [
              {
                name: t('results.chart.revenue'),
                type: 'line',
                yAxisIndex: 1,
                showSymbol: false,
                z: 3,
                data: revenue,
              },
            ]
          : []),
      ],
    };
  }, [series, range, t]);
  return (
    <div data-testid="results-chart">
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 300, width: '100%' }} />
    </div>
  );
}
