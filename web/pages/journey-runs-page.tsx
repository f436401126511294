import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { LoadMore } from '../shell/load-more';
import { paths } from '../shell/router';
import { useAsync } from '../shell/use-async';
import { usePaged } from '../shell/use-paged';
import { RunsTable } from './runs-table';

const STATUSES = ['running', 'waiting', 'completed', 'exited', 'failed', 'cancelled'];

export function JourneyRunsPage({ journeyId }: { journeyId: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string | undefined>();
  const journey = useAsync(() => api.journey(journeyId), [journeyId]);
  const runs = usePaged((page) => api.runs({ journeyId, status, ...page }), [journeyId, status]);
  return (
    <div className="yt-page">
      <div className="yt-page__head">
        <Space>
          <Button type="text" icon={<ArrowLeftOutlined />} href={paths.editor(journeyId)} />
          <Typography.Title level={3}>{t('runs.title', { name: journey.data?.name ?? '' })}</Typography.Title>
        </Space>
        <Space>
          <Select
            allowClear
            placeholder={t('runs.allStatuses')}
            value={status}
            onChange={setStatus}
            style={{ width: 140 }}
            options={STATUSES.map((s) => ({ value: s, label: t(`runStatus.${s}`) }))}
          />
          <Button onClick={runs.reload}>{t('common.refresh')}</Button>
        </Space>
      </div>
      <RunsTable runs={runs.items} loading={runs.loading} onChanged={runs.reload} show="journey" />
      <LoadMore list={runs} />
    </div>
  );
}
