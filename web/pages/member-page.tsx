import { Card, Col, Descriptions, Empty, Input, List, Row, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Coupon, Message } from '../api/types';
import { guidesApi } from '../guides/guides-api';
import { reasonText } from '../runs/step-words';
import { formatTime, statusColor } from '../shell/format';
import { LoadMore } from '../shell/load-more';
import { navigate, paths } from '../shell/router';
import { useAsync } from '../shell/use-async';
import { usePaged } from '../shell/use-paged';
import { RunsTable } from './runs-table';

/** Ops view of one member: profile, every journey run with its path, messages sent and coupons. */
export function MemberPage({ externalId }: { externalId?: string }) {
  const { t } = useTranslation();
  return (
    <div className="yt-page">
      <div className="yt-page__head">
        <Typography.Title level={3}>{t('member.title')}</Typography.Title>
        <Input.Search
          key={externalId}
          defaultValue={externalId}
          placeholder={t('member.searchPlaceholder')}
          enterButton={t('member.search')}
          onSearch={(v) => v.trim() && navigate(paths.member(v.trim()))}
          style={{ width: 420 }}
          data-testid="member-search"
        />
      </div>
      {externalId ? <MemberDetail externalId={externalId} /> : <Empty description={t('member.hint')} />}
    </div>
  );
}

function MemberDetail({ externalId }: { externalId: string }) {
  const { t } = useTranslation();
  const member = useAsync(() => api.member(externalId), [externalId]);
  // the owning guide changes rarely: loaded with the page, not with the live refresh
  const guide = useAsync(() => guidesApi.memberGuide(externalId), [externalId]);
  const runs = usePaged((page) => api.runs({ memberId: externalId, ...page }), [externalId]);
  const messages = usePaged((page) => api.messages({ memberId: externalId, ...page }), [externalId]);
  const coupons = usePaged((page) => api.coupons({ memberId: externalId, ...page }), [externalId]);
  // ops watch a member move through a journey: keep the page live without a manual refresh
  const reloads = [member.reload, runs.reload, messages.reload, coupons.reload];
  const reloadsRef = useRef(reloads);
  reloadsRef.current = reloads;
  useEffect(() => {
    const timer = setInterval(() => {
      for (const r of reloadsRef.current) r();
    }, 4000);
    return () => clearInterval(timer);
  }, []);
  if (member.error && !member.data) return <Empty description={t('member.notFound', { id: externalId })} />;
  const m = member.data;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card loading={!m} size="small">
        {m && (
          <Descriptions column={3} size="small" title={m.name ?? m.externalId} data-testid="member-profile">
            <Descriptions.Item label={t('member.externalId')}>{m.externalId}</Descriptions.Item>
            <Descriptions.Item label={t('member.phone')}>{m.phone ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('member.email')}>{m.email ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('member.guide')} span={3}>
              <span data-testid="member-guide">
                {guide.data
                  ? `${guide.data.name}${guide.data.store ? ` · ${guide.data.store}` : ''}${guide.data.active ? '' : ` (${t('guides.off')})`}`
                  : '—'}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('member.tags')} span={3}>
              {m.tags.length ? m.tags.map((tag) => <Tag key={tag}>{tag}</Tag>) : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('member.attributes')} span={3}>
              <span className="yt-mono">
                {Object.entries(m.attributes)
                  .map(([k, v]) => `${k}: ${String(v)}`)
                  .join(' · ') || '—'}
              </span>
            </Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Card size="small" title={t('member.runs')}>
        <RunsTable
          runs={runs.items}
          loading={runs.loading && !runs.loaded}
          onChanged={runs.reload}
          show="member"
        />
        <LoadMore list={runs} />
      </Card>
      <Row gutter={16}>
        <Col span={14}>
          <Card size="small" title={t('member.messages')}>
            <List<Message>
              dataSource={messages.items}
              loading={messages.loading && !messages.loaded}
              locale={{ emptyText: t('member.noMessages') }}
              data-testid="member-messages"
              renderItem={(msg) => (
                <List.Item data-testid="member-message">
                  <List.Item.Meta
                    title={
                      <Space size={6}>
                        <Tag>{t(`enum.${msg.channel}`, { defaultValue: msg.channel })}</Tag>
                        <Tag color={statusColor[msg.status]}>{t(`msgStatus.${msg.status}`)}</Tag>
                        {msg.deliveryStatus && (
                          <Tag data-testid="message-delivery">
                            {t(`deliveryStatus.${msg.deliveryStatus}`)}
                          </Tag>
                        )}
                        {msg.provider === 'sandbox' && <Tag>{t('channel.sandbox')}</Tag>}
                        <span className="yt-muted">{formatTime(msg.createdAt)}</span>
                      </Space>
                    }
                    description={
                      <div>
                        {msg.title && <strong>{msg.title} </strong>}
                        <span className="yt-message-body">{msg.body}</span>
                        {msg.error && <div className="yt-error-text">{msg.error}</div>}
                        {msg.skipReason && (
                          <div className="yt-muted">
                            {t('member.skipReason', { reason: reasonText(t, msg.skipReason) })}
                          </div>
                        )}
                      </div>
                    }
                  />
                </List.Item>
              )}
            />
            <LoadMore list={messages} />
          </Card>
        </Col>
        <Col span={10}>
          <Card size="small" title={t('member.coupons')}>
            <Table<Coupon>
              size="small"
              rowKey="code"
              pagination={false}
              dataSource={coupons.items}
              locale={{ emptyText: t('member.noCoupons') }}
              columns={[
                {
                  title: t('member.couponCode'),
                  dataIndex: 'code',
                  render: (c: string) => <span className="yt-mono">{c}</span>,
                },
                {
                  title: t('runs.status'),
                  dataIndex: 'status',
                  render: (s: string) => (
                    <Tag color={statusColor[s]}>{t(`couponStatus.${s}`, { defaultValue: s })}</Tag>
                  ),
                },
                { title: t('member.expires'), dataIndex: 'expiresAt', render: formatTime },
              ]}
            />
            <LoadMore list={coupons} />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
