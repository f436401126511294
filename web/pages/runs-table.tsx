import { App, Button, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Run } from '../api/types';
import { formatTime, statusColor } from '../shell/format';
import { paths } from '../shell/router';
import { RunSteps } from './run-steps';

/** Runs with their status; expand a row for its path; cancel or retry in place. */
export function RunsTable({
  runs,
  loading,
  onChanged,
  show,
}: {
  runs: Run[];
  loading: boolean;
  onChanged(): void;
  show: 'journey' | 'member';
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const act = async (id: string, action: 'cancel' | 'retry') => {
    try {
      await api.runAction(id, action);
      message.success(t(`runs.done.${action}`));
      onChanged();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  return (
    <Table<Run>
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={runs}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      locale={{ emptyText: t('runs.empty') }}
      expandable={{ expandedRowRender: (r) => <RunSteps runId={r.id} /> }}
      data-testid="runs-table"
      columns={[
        show === 'journey'
          ? {
              title: t('runs.member'),
              dataIndex: 'memberId',
              render: (m: string) => <a href={paths.member(m)}>{m}</a>,
            }
          : {
              title: t('runs.journey'),
              dataIndex: 'journeyName',
              render: (name: string, r) => <a href={paths.editor(r.journeyId)}>{name}</a>,
            },
        { title: t('runs.version'), dataIndex: 'version', width: 70, render: (v: number) => `v${v}` },
        {
          title: t('runs.status'),
          dataIndex: 'status',
          width: 100,
          render: (s: string) => (
            <Tag color={statusColor[s]} data-testid="run-status">
              {t(`runStatus.${s}`)}
            </Tag>
          ),
        },
        { title: t('runs.current'), dataIndex: 'currentNodeId', render: (v: string | null) => v ?? '—' },
        { title: t('runs.started'), dataIndex: 'startedAt', width: 150, render: formatTime },
        { title: t('runs.ended'), dataIndex: 'endedAt', width: 150, render: formatTime },
        {
          title: t('journeys.col.actions'),
          width: 130,
          render: (_, r) => (
            <Space size={0}>
              {['running', 'waiting'].includes(r.status) && (
                <Button type="link" size="small" danger onClick={() => act(r.id, 'cancel')}>
                  {t('runs.cancel')}
                </Button>
              )}
              {r.status === 'failed' && (
                <Button type="link" size="small" onClick={() => act(r.id, 'retry')}>
                  {t('runs.retry')}
                </Button>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}
