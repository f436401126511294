import { App, Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Run } from '../api/types';
import { useCan } from '../auth/session';
import { formatShortTime, formatTime, statusColor } from '../shell/format';
import { paths } from '../shell/router';
import { isLive, isWaiting } from '../shell/run-status';
import { RunEnd } from './run-end';
import { NodeLabel, useRunNodes } from './run-nodes';
import { RunSteps } from './run-steps';

/**
 * Runs with their status; expand a row for its path; cancel or retry in place, each after a confirmation.
 * The action's answer is the run as it is after it (the API waits for the workflow to record it), so the
 * row and the page's totals are reloaded at once instead of still saying 等待中.
 */
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
  const words = useRunNodes(runs);
  const canOperate = useCan('runs.operate');
  const act = async (id: string, action: 'cancel' | 'retry') => {
    try {
      await api.runAction(id, action);
      // The workflow records a cancel or retry a moment later: follow the run until it has, then reload the
      // rows and the totals (the row never keeps saying 等待中 after a confirmed cancel).
      const settled = await until(async () => {
        const { run } = await api.run(id);
        return action === 'cancel' ? !isLive(run.status) : run.status !== 'failed';
      });
      message.success(settled ? t(`runs.done.${action}`) : t('runs.pending'));
      onChanged();
      if (!settled) setTimeout(onChanged, 3000);
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
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: t('runs.empty') }}
      expandable={{ expandedRowRender: (r) => <RunSteps runId={r.id} words={words} /> }}
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
          render: (s: Run['status']) => (
            <Tag color={statusColor[s]} data-testid="run-status">
              {t(`runStatus.${s}`)}
            </Tag>
          ),
        },
        {
          // where the run is and what is next, in words: 等待事件 · 等待 order_paid，最多 3 天 / 等待至 11-27 09:00
          title: t('runs.current'),
          key: 'current',
          render: (_, r) => (
            <div className="yt-run-current" data-testid="run-current">
              {r.currentNodeId ? (
                <NodeLabel words={words(r, r.currentNodeId, r.currentNodeType)} nodeId={r.currentNodeId} />
              ) : (
                !r.error && '—'
              )}
              {r.nextAt && isWaiting(r.status) && (
                <div className="yt-run-next" data-testid="run-next-at">
                  {t('runs.waitUntil', { at: formatShortTime(r.nextAt) })}
                </div>
              )}
              {r.status === 'failed' && r.error && (
                <Typography.Paragraph
                  type="danger"
                  className="yt-run-error"
                  ellipsis={{ rows: 2, tooltip: r.error }}
                  data-testid="run-error"
                >
                  {t('runs.error', { error: r.error })}
                </Typography.Paragraph>
              )}
              {r.exitReason && ['converted', 'exited', 'cancelled'].includes(r.status) && <RunEnd run={r} />}
            </div>
          ),
        },
        { title: t('runs.started'), dataIndex: 'startedAt', width: 150, render: formatTime },
        { title: t('runs.ended'), dataIndex: 'endedAt', width: 150, render: formatTime },
        {
          title: t('journeys.col.actions'),
          width: 130,
          render: (_, r) => (
            <Space size={0}>
              {canOperate && r.status === 'failed' && (
                <Popconfirm
                  title={t('runs.retryConfirm')}
                  okText={t('runs.confirm')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => act(r.id, 'retry')}
                >
                  <Button type="link" size="small" data-testid="run-retry">
                    {t('runs.retry')}
                  </Button>
                </Popconfirm>
              )}
              {canOperate && isLive(r.status) && (
                <Popconfirm
                  title={t('runs.cancelConfirm')}
                  okText={t('runs.cancelRun')}
                  cancelText={t('runs.keepRun')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => act(r.id, 'cancel')}
                >
                  <Button type="link" size="small" danger data-testid="run-cancel">
                    {t('runs.cancel')}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}

/** Polls `check` every 300 ms for up to 8 s: whether it came true. */
async function until(check: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + 8000;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 300));
  }
}
