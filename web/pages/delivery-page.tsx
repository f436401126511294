import { App, Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { EventRecord, EventStatus } from '../api/types';
import { formatTime } from '../shell/format';
import { LoadMore } from '../shell/load-more';
import { paths } from '../shell/router';
import { usePaged } from '../shell/use-paged';

const STATUSES: EventStatus[] = ['dead', 'pending', 'processed'];
const COLOR: Record<EventStatus, string> = { dead: 'red', pending: 'blue', processed: 'green' };

/**
 * Ops view of event delivery: events that failed for good (the dead letter) or wait for a retry, with their
 * error and attempts; replay one or the selected ones once the cause is fixed.
 */
export function DeliveryPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [status, setStatus] = useState<EventStatus | undefined>('dead');
  const [memberId, setMemberId] = useState<string | undefined>();
  const [selected, setSelected] = useState<string[]>([]);
  const [replaying, setReplaying] = useState(false);
  const list = usePaged((page) => api.events({ status, memberId, ...page }), [status, memberId]);

  const replay = async (ids: string[]) => {
    setReplaying(true);
    try {
      const { results } = await api.replayEvents(ids);
      const ok = results.filter((r) => r.status === 'processed').length;
      const failed = results.length - ok;
      if (failed) message.warning(t('delivery.replayedSome', { ok, failed }));
      else message.success(t('delivery.replayed', { count: ok }));
      setSelected([]);
      list.reload();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setReplaying(false);
    }
  };

  return (
    <div className="yt-page">
      <div className="yt-page__head">
        <div>
          <Typography.Title level={3}>{t('delivery.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('delivery.subtitle')}</Typography.Text>
        </div>
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('delivery.memberFilter')}
            onSearch={(v) => setMemberId(v.trim() || undefined)}
            style={{ width: 220 }}
            data-testid="delivery-member"
          />
          <Select
            allowClear
            placeholder={t('delivery.allStatuses')}
            value={status}
            onChange={setStatus}
            style={{ width: 140 }}
            data-testid="delivery-status"
            options={STATUSES.map((s) => ({ value: s, label: t(`delivery.status.${s}`) }))}
          />
          <Button onClick={list.reload}>{t('common.refresh')}</Button>
          <Button
            type="primary"
            disabled={!selected.length}
            loading={replaying}
            onClick={() => replay(selected)}
            data-testid="replay-selected"
          >
            {t('delivery.replaySelected', { count: selected.length })}
          </Button>
        </Space>
      </div>
      <Table<EventRecord>
        rowKey="id"
        size="middle"
        loading={list.loading && !list.loaded}
        dataSource={list.items}
        pagination={false}
        locale={{ emptyText: t(status === 'dead' ? 'delivery.emptyDead' : 'delivery.empty') }}
        data-testid="delivery-table"
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys.map(String)),
          getCheckboxProps: (e) => ({ disabled: e.status === 'processed' }),
        }}
        expandable={{
          expandedRowRender: (e) => (
            <pre className="yt-mono yt-event-properties">{JSON.stringify(e.properties, null, 2)}</pre>
          ),
        }}
        columns={[
          {
            title: t('delivery.col.received'),
            dataIndex: 'receivedAt',
            width: 150,
            render: (v: string) => <span className="yt-nowrap">{formatTime(v)}</span>,
          },
          {
            title: t('delivery.col.member'),
            dataIndex: 'memberId',
            render: (m: string) => <a href={paths.member(m)}>{m}</a>,
          },
          {
            title: t('delivery.col.event'),
            dataIndex: 'name',
            render: (name: string, e) => (
              <div>
                <span className="yt-mono">{name}</span>
                {e.clientId && <div className="yt-muted yt-mono">{e.clientId}</div>}
              </div>
            ),
          },
          {
            title: t('delivery.col.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: EventStatus) => (
              <Tag color={COLOR[s]} data-testid="delivery-event-status">
                {t(`delivery.status.${s}`)}
              </Tag>
            ),
          },
          { title: t('delivery.col.attempts'), dataIndex: 'attempts', width: 90, align: 'right' },
          {
            title: t('delivery.col.error'),
            key: 'error',
            render: (_, e) => (
              <div>
                {e.error && (
                  <Typography.Paragraph
                    type="danger"
                    ellipsis={{ rows: 2, tooltip: e.error }}
                    className="yt-run-error"
                  >
                    {e.error}
                  </Typography.Paragraph>
                )}
                {e.status === 'pending' && e.nextAttemptAt && (
                  <div className="yt-muted">
                    {t('delivery.nextAttempt', { at: formatTime(e.nextAttemptAt) })}
                  </div>
                )}
              </div>
            ),
          },
          {
            title: t('journeys.col.actions'),
            width: 90,
            render: (_, e) =>
              e.status !== 'processed' && (
                <Button type="link" size="small" onClick={() => replay([e.id])} data-testid="replay-event">
                  {t('delivery.replay')}
                </Button>
              ),
          },
        ]}
      />
      <LoadMore list={list} />
    </div>
  );
}
