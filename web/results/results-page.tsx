import ArrowLeftOutlined from '@ant-design/icons/es/icons/ArrowLeftOutlined';
import { Alert, Button, Card, Empty, Skeleton, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { JourneyResults } from '../api/results-types';
import { JourneyTabs } from '../pages/journey-tabs';
import { paths } from '../shell/router';
import { useAsync } from '../shell/use-async';
import { ExportButton } from './export-button';
import { HeadlineCards } from './headline-cards';
import { MessageFunnel } from './message-funnel';
import { NodesTable } from './nodes-table';
import type { DateRange } from './range';
import { ResultsFilters } from './results-filters';
import { SeriesChart } from './series-chart';
import { useNodeNames } from './use-node-names';
import { VariantsTable } from './variants-table';

/** Below this many members a rate swings with every conversion: the page says so before the numbers. */
const SMALL_SAMPLE = 100;

/** The journey's 效果 tab: headline figures, lift over the holdout, by day, split variants, funnel, nodes. */
export default function ResultsPage({ journeyId }: { journeyId: string }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState<number | undefined>();
  // null until the marketer picks: the server then answers its last 30 days in the workspace's time zone
  const [picked, setPicked] = useState<DateRange | null>(null);
  const journey = useAsync(() => api.journey(journeyId), [journeyId]);
  const q = useMemo(() => ({ version, ...picked }), [version, picked]);
  const results = useAsync(() => api.results(journeyId, q), [journeyId, q]);
  const range: DateRange | null =
    picked ?? (results.data ? { from: results.data.from, to: results.data.to } : null);
  const funnel = useAsync(
    () => (range ? api.messageFunnel(journeyId, { version, ...range }) : new Promise<never>(() => {})),
    [journeyId, version, range?.from, range?.to],
  );
  const nodeName = useNodeNames(journeyId, version, journey.data?.document);
  const name = journey.data?.name ?? '';
  const reload = () => {
    results.reload();
    funnel.reload();
  };
  return (
    <div className="yt-page yt-results" data-testid="results-page">
      <div className="yt-page__head">
        <Space>
          <Button
            type="text"
            icon={<ArrowLeftOutlined />}
            href={paths.journeys()}
            aria-label={t('editor.back')}
          />
          <Typography.Title level={3}>{t('results.title', { name })}</Typography.Title>
        </Space>
        <JourneyTabs journeyId={journeyId} active="results" />
      </div>
      <ResultsFilters
        journey={journey.data}
        version={version}
        onVersion={setVersion}
        range={range}
        onRange={setPicked}
        timeZone={results.data?.timeZone}
        loading={results.loading && !!results.data}
      />
      <Body
        journeyId={journeyId}
        name={name}
        unpublished={journey.data?.currentVersion === null}
        noGoal={
          journey.data ? !(journey.data.document.settings as { goal?: unknown } | undefined)?.goal : false
        }
        range={range ?? { from: '', to: '' }}
        results={results.data}
        error={results.error}
        onRetry={reload}
        funnel={funnel}
        nodeName={nodeName}
        nodeIds={journey.data?.document.nodes.map((n) => n.id) ?? []}
      />
    </div>
  );
}

function Body({
  journeyId,
  name,
  unpublished,
  noGoal,
  range,
  results,
  error,
  onRetry,
  funnel,
  nodeName,
  nodeIds,
}: {
  journeyId: string;
  /** the document's node ids in their order */
  nodeIds: string[];
  name: string;
  unpublished: boolean;
  noGoal: boolean;
  range: DateRange;
  results: JourneyResults | undefined;
  error: Error | undefined;
  onRetry(): void;
  funnel: ReturnType<typeof useAsync<import('../api/results-types').MessageFunnel>>;
  nodeName: ReturnType<typeof useNodeNames>;
}) {
  const { t } = useTranslation();
  if (error && !results)
    return (
      <Alert
        type="error"
        showIcon
        data-testid="results-error"
        title={t('results.error', { message: error.message })}
        action={<Button onClick={onRetry}>{t('results.retry')}</Button>}
      />
    );
  if (!results) return <Skeleton active paragraph={{ rows: 8 }} data-testid="results-skeleton" />;
  if (results.totals.entered === 0 && results.totals.converted === 0)
    return (
      <Card data-testid="results-empty">
        <Empty
          description={
            <Space direction="vertical" size={4}>
              <Typography.Text strong>{t('results.empty.title')}</Typography.Text>
              <Typography.Text type="secondary">
                {t(unpublished ? 'results.empty.unpublished' : 'results.empty.noRuns')}
              </Typography.Text>
            </Space>
          }
        >
          {unpublished && (
            <Button type="primary" href={paths.editor(journeyId)}>
              {t('results.tabs.canvas')}
            </Button>
          )}
        </Empty>
      </Card>
    );
  const variantLabel = (key: string | null) => {
    if (key === null) return '';
    for (const s of results.splits) {
      const v = s.variants.find((x) => x.key === key);
      if (v) return v.label;
    }
    return key;
  };
  const { totals } = results;
  // the canvas's order (trigger first), not the report's: nodes deleted since come last
  const nodeOrder = (nodes: JourneyResults['nodes']) =>
    [...nodes].sort((x, y) => rank(x.nodeId) - rank(y.nodeId));
  const rank = (id: string) => {
    const i = nodeIds.indexOf(id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      {error && <Alert type="warning" showIcon title={t('results.error', { message: error.message })} />}
      {noGoal && (
        <Alert type="warning" showIcon data-testid="results-no-goal" title={t('results.goalMissing')} />
      )}
      {totals.entered < SMALL_SAMPLE && (
        <Alert
          type="info"
          showIcon
          data-testid="results-small-sample"
          title={t('results.small', { entered: totals.entered, converted: totals.converted })}
        />
      )}
      <HeadlineCards results={results} />
      <Typography.Text type="secondary" data-testid="results-attribution">
        {t('results.attribution', { days: results.attributionWindowDays, timeZone: results.timeZone })}
        {totals.conversionsWithoutValue > 0 &&
          ` · ${t('results.withoutValue', { count: totals.conversionsWithoutValue })}`}
      </Typography.Text>
      <Card
        size="small"
        title={t('results.chart.title')}
        extra={
          <ExportButton
            journeyName={name}
            table={t('results.csv.series')}
            range={range}
            header={[
              t('results.csv.date'),
              t('results.chart.entered'),
              t('results.chart.converted'),
              t('results.csv.revenueYuan'),
            ]}
            rows={() => results.series.map((p) => [p.date, p.entered, p.converted, p.revenueFen / 100])}
            testId="export-series"
          />
        }
      >
        <Typography.Text type="secondary" className="yt-results__note">
          {t('results.chart.cohort')}
        </Typography.Text>
        <SeriesChart series={results.series} range={range} />
      </Card>
      <VariantsTable
        journeyId={journeyId}
        journeyName={name}
        range={range}
        splits={results.splits}
        nodeName={nodeName}
        onChanged={onRetry}
      />
      <MessageFunnel
        rows={funnel.data?.nodes}
        error={funnel.error}
        journeyName={name}
        range={range}
        nodeName={nodeName}
        variantLabel={variantLabel}
      />
      <NodesTable nodes={nodeOrder(results.nodes)} journeyName={name} range={range} nodeName={nodeName} />
    </Space>
  );
}
