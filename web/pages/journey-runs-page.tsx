import ArrowLeftOutlined from '@ant-design/icons/es/icons/ArrowLeftOutlined';
import { Button, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { RunStatus } from '../api/types';
import { BroadcastsPanel } from '../audiences/broadcasts-panel';
import { useCan } from '../auth/session';
import { LoadMore } from '../shell/load-more';
import { paths } from '../shell/router';
import { RUN_STATUSES } from '../shell/run-status';
import { useAsync } from '../shell/use-async';
import { usePaged } from '../shell/use-paged';
import { FailedNodesPanel } from './failed-nodes-panel';
import { JourneyTabs } from './journey-tabs';
import { JourneyTotals } from './journey-totals';
import { RunsTable } from './runs-table';

export function JourneyRunsPage({ journeyId }: { journeyId: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<RunStatus | undefined>();
  const journey = useAsync(() => api.journey(journeyId), [journeyId]);
  const runs = usePaged((page) => api.runs({ journeyId, status, ...page }), [journeyId, status]);
  const canOperate = useCan('runs.operate');
  // failed runs per node, for acting on all of them at once (ops only)
  const stats = useAsync(
    () => (canOperate ? api.stats(journeyId) : Promise.resolve(null)),
    [journeyId, canOperate],
  );
  /** after an action: the rows, the header totals and the failed counts all follow, without a refresh */
  const refresh = () => {
    runs.reload();
    journey.reload();
    stats.reload();
  };
  // a manual (list) trigger takes members by broadcast; other triggers enter members by themselves
  const manual = !!journey.data?.document.nodes.some((n) => n.type === 'trigger.manual');
  return (
    <div className="yt-page">
      <div className="yt-page__head">
        <Space>
          <Button type="text" icon={<ArrowLeftOutlined />} href={paths.editor(journeyId)} />
          <Typography.Title level={3}>{t('runs.title', { name: journey.data?.name ?? '' })}</Typography.Title>
        </Space>
        <JourneyTabs journeyId={journeyId} active="runs" />
        {journey.data && <JourneyTotals totals={journey.data.stats} />}
        <Space>
          <Select
            allowClear
            placeholder={t('runs.allStatuses')}
            value={status}
            onChange={setStatus}
            style={{ width: 140 }}
            options={RUN_STATUSES.map((s) => ({ value: s, label: t(`runStatus.${s}`) }))}
          />
          <Button onClick={refresh}>{t('common.refresh')}</Button>
        </Space>
      </div>
      {manual && <BroadcastsPanel journeyId={journeyId} canEnter={journey.data?.status === 'active'} />}
      {stats.data && (
        <FailedNodesPanel
          journeyId={journeyId}
          stats={stats.data}
          document={journey.data?.document}
          onChanged={refresh}
        />
      )}
      <RunsTable runs={runs.items} loading={runs.loading} onChanged={refresh} show="journey" />
      <LoadMore list={runs} />
    </div>
  );
}
