import { Card, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { EventRecord } from '../api/types';
import { eventText } from '../runs/step-words';
import { formatTime } from '../shell/format';
import { LoadMore } from '../shell/load-more';
import { usePaged } from '../shell/use-paged';

/** The member's events, newest first, 20 at a time (what they did that journeys react to). */
export function MemberEvents({ externalId }: { externalId: string }) {
  const { t } = useTranslation();
  const events = usePaged((page) => api.events({ memberId: externalId, ...page }), [externalId], 20);
  return (
    <Card size="small" title={t('member.events')}>
      <Table<EventRecord>
        size="small"
        rowKey="id"
        pagination={false}
        loading={events.loading && !events.loaded}
        dataSource={events.items}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('member.noEvents') }}
        data-testid="member-events"
        columns={[
          {
            title: t('member.eventName'),
            dataIndex: 'name',
            render: (name: string, e) => (
              <span>
                {eventText(t, name)}
                {e.status !== 'processed' && (
                  <Tag style={{ marginLeft: 6 }} color={e.status === 'dead' ? 'red' : 'gold'}>
                    {t(`delivery.status.${e.status}`, { defaultValue: e.status })}
                  </Tag>
                )}
              </span>
            ),
          },
          {
            title: t('member.eventProps'),
            dataIndex: 'properties',
            render: (p: Record<string, unknown>) =>
              Object.keys(p ?? {}).length ? (
                <span className="yt-mono yt-event-props" title={JSON.stringify(p)}>
                  {JSON.stringify(p)}
                </span>
              ) : (
                '—'
              ),
          },
          { title: t('member.eventAt'), dataIndex: 'occurredAt', width: 170, render: formatTime },
        ]}
      />
      <LoadMore list={events} />
    </Card>
  );
}
