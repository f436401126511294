import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { App, Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Results30d } from '../api/results-types';
import type { JourneySummary } from '../api/types';
import { useCan } from '../auth/session';
import { percent, yuan } from '../results/words';
import { formatTime, statusColor } from '../shell/format';
import { LoadMore } from '../shell/load-more';
import { paths } from '../shell/router';
import { usePaged } from '../shell/use-paged';
import { CreateJourneyModal } from './create-journey-modal';

/** The list item's last-30-days figures (servers before issue 16 send none: shown as —). */
const last30 = (j: JourneySummary) => (j as JourneySummary & { results30d?: Results30d }).results30d;
const conversion30d = (j: JourneySummary) => {
  const r = last30(j);
  return r && r.entered > 0 ? percent(r.conversionRate) : '—';
};
const revenue30d = (j: JourneySummary) => {
  const r = last30(j);
  return r && r.entered > 0 ? yuan(r.revenueFen) : '—';
};

export function JourneysPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = usePaged((page) => api.journeys(page), []);
  const [creating, setCreating] = useState(false);
  const canEdit = useCan('journeys.edit');
  const canPause = useCan('journeys.pause');
  const canArchive = useCan('journeys.archive');
  const canOperate = useCan('runs.operate');
  // the empty list speaks to the role: only those who can create are sent to the 新建旅程 button
  const emptyText = canEdit ? (
    t('journeys.empty')
  ) : canOperate ? (
    <span data-testid="journeys-empty">
      {t('journeys.emptyOps')} <a href={paths.member()}>{t('journeys.toMembers')}</a>
    </span>
  ) : (
    <span data-testid="journeys-empty">{t('journeys.emptyReadOnly')}</span>
  );

  const act = async (id: string, action: 'pause' | 'resume' | 'archive') => {
    try {
      await api.lifecycle(id, action);
      message.success(t(`journeys.done.${action}`));
      list.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <div className="yt-page">
      <div className="yt-page__head">
        <div>
          <Typography.Title level={3}>{t('journeys.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('journeys.subtitle')}</Typography.Text>
        </div>
        {canEdit && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="new-journey"
          >
            {t('journeys.new')}
          </Button>
        )}
      </div>
      <Table<JourneySummary>
        rowKey="id"
        loading={list.loading && !list.loaded}
        dataSource={list.items}
        pagination={false}
        locale={{ emptyText }}
        columns={[
          {
            title: t('journeys.col.name'),
            dataIndex: 'name',
            render: (name: string, j) => (
              <div>
                <a href={paths.editor(j.id)} data-testid={`journey-link-${j.id}`}>
                  {name}
                </a>
                {j.description && <div className="yt-muted yt-ellipsis">{j.description}</div>}
              </div>
            ),
          },
          {
            title: t('journeys.col.status'),
            dataIndex: 'status',
            width: 170,
            render: (s: string, j) => (
              <Space size={4} wrap>
                <Tag color={statusColor[s]} data-testid="journey-status">
                  {t(`status.${s}`)}
                </Tag>
                {j.hasUnpublishedChanges && j.currentVersion !== null && (
                  <Tag color="gold">{t('journeys.unpublished')}</Tag>
                )}
              </Space>
            ),
          },
          {
            title: t('journeys.col.version'),
            dataIndex: 'currentVersion',
            width: 80,
            render: (v: number | null) => (v === null ? '—' : `v${v}`),
          },
          {
            title: t('journeys.col.entered'),
            width: 100,
            align: 'right',
            render: (_, j) => j.stats.entered.toLocaleString(),
          },
          {
            title: t('journeys.col.active'),
            width: 100,
            align: 'right',
            render: (_, j) => j.stats.active.toLocaleString(),
          },
          {
            title: t('journeys.col.converted'),
            width: 100,
            align: 'right',
            render: (_, j) => j.stats.converted.toLocaleString(),
          },
          {
            title: t('journeys.col.conv30d'),
            width: 110,
            align: 'right',
            render: (_, j) => <span data-testid="journey-conv30d">{conversion30d(j)}</span>,
          },
          {
            title: t('journeys.col.rev30d'),
            width: 120,
            align: 'right',
            render: (_, j) => <span data-testid="journey-rev30d">{revenue30d(j)}</span>,
          },
          {
            title: t('journeys.col.updated'),
            dataIndex: 'updatedAt',
            width: 160,
            render: (v: string) => <span className="yt-nowrap">{formatTime(v)}</span>,
          },
          {
            title: t('journeys.col.actions'),
            width: 220,
            render: (_, j) => (
              <Space size={0} wrap>
                <Button type="link" size="small" href={paths.editor(j.id)}>
                  {canEdit ? t('journeys.edit') : t('journeys.view')}
                </Button>
                <Button type="link" size="small" href={paths.journeyRuns(j.id)}>
                  {t('journeys.runs')}
                </Button>
                {j.currentVersion !== null && (
                  <Button
                    type="link"
                    size="small"
                    href={paths.journeyResults(j.id)}
                    data-testid={`journey-results-${j.id}`}
                  >
                    {t('journeys.results')}
                  </Button>
                )}
                {canPause && j.status === 'active' && (
                  <Button type="link" size="small" onClick={() => act(j.id, 'pause')}>
                    {t('journeys.pause')}
                  </Button>
                )}
                {canPause && j.status === 'paused' && (
                  <Button type="link" size="small" onClick={() => act(j.id, 'resume')}>
                    {t('journeys.resume')}
                  </Button>
                )}
                {canArchive && j.status !== 'archived' && (
                  <Popconfirm title={t('journeys.archiveConfirm')} onConfirm={() => act(j.id, 'archive')}>
                    <Button type="link" size="small" danger>
                      {t('journeys.archive')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <LoadMore list={list} />
      <CreateJourneyModal open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}
