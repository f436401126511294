import DeleteOutlined from '@ant-design/icons/es/icons/DeleteOutlined';
import EditOutlined from '@ant-design/icons/es/icons/EditOutlined';
import { Alert, Button, Card, Col, Descriptions, Empty, List, Row, Space, Table, Tag } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, api } from '../api/client';
import type { Coupon, Message } from '../api/types';
import { useCan } from '../auth/session';
import { RunsTable } from '../pages/runs-table';
import { reasonText } from '../runs/step-words';
import { formatTime, statusColor } from '../shell/format';
import { LoadMore } from '../shell/load-more';
import { paths } from '../shell/router';
import { useAsync } from '../shell/use-async';
import { usePaged } from '../shell/use-paged';
import { MemberEditModal } from './member-edit-modal';
import { MemberEraseModal } from './member-erase-modal';
import { MemberEvents } from './member-events';

/** One member: profile (edit, erase), every journey run, messages, coupons and recent events. */
export function MemberDetail({ externalId }: { externalId: string }) {
  const { t } = useTranslation();
  // the member and their guide in one request; loaded once (and after an edit), not on the live refresh
  const loaded = useAsync(() => api.memberWithGuide(externalId), [externalId]);
  const canEdit = useCan('members.edit');
  const canErase = useCan('members.delete');
  const [editing, setEditing] = useState(false);
  const [erasing, setErasing] = useState(false);

  if (loaded.error && !loaded.data) {
    if ((loaded.error as ApiError).status === 404)
      return (
        <Empty
          data-testid="member-not-found"
          description={
            <Space direction="vertical" size={4}>
              <span>{t('member.notFound', { id: externalId })}</span>
              <a href={paths.memberSearch(externalId)}>{t('member.notFoundSearch', { id: externalId })}</a>
            </Space>
          }
        />
      );
    return <Alert type="error" showIcon message={t('member.loadFailed', { error: loaded.error.message })} />;
  }
  const m = loaded.data?.member;
  const guide = loaded.data?.guide;
  const refused = Object.entries(m?.consent ?? {})
    .filter(([, ok]) => ok === false)
    .map(([channel]) => channel);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        loading={!m}
        size="small"
        title={m ? (m.name ?? m.externalId) : ' '}
        extra={
          m && (
            <Space size={4}>
              {canEdit && (
                <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="member-edit">
                  {t('member.edit')}
                </Button>
              )}
              {canErase && (
                <Button
                  danger
                  icon={<DeleteOutlined />}
                  onClick={() => setErasing(true)}
                  data-testid="member-erase"
                >
                  {t('member.erase')}
                </Button>
              )}
            </Space>
          )
        }
      >
        {m && (
          <Descriptions
            column={{ xs: 1, sm: 2, md: 3 }}
            size="small"
            data-testid="member-profile"
            data-member={m.externalId}
          >
            <Descriptions.Item label={t('member.externalId')}>
              <span className="yt-mono" data-testid="member-external-id">
                {m.externalId}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('member.phone')}>{m.phone ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('member.email')}>{m.email ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('member.guide')}>
              <span data-testid="member-guide">
                {guide
                  ? `${guide.name}${guide.store ? ` · ${guide.store}` : ''}${guide.active ? '' : ` (${t('guides.off')})`}`
                  : '—'}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('member.timezone')}>
              {m.timezone ?? t('member.timezoneDefault')}
            </Descriptions.Item>
            <Descriptions.Item label={t('member.consent')}>
              {/* absent means allowed: only the channels the member refused are worth a word */}
              {refused.length ? (
                <span data-testid="member-consent">
                  {refused.map((channel) => (
                    <Tag key={channel} color="red">
                      {t('member.consentRefusedOn', {
                        channel: t(`enum.${channel}`, { defaultValue: channel }),
                      })}
                    </Tag>
                  ))}
                </span>
              ) : (
                t('member.consentAll')
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('member.tags')} span="filled">
              <span data-testid="member-tags">
                {m.tags.length ? m.tags.map((tag) => <Tag key={tag}>{tag}</Tag>) : '—'}
              </span>
            </Descriptions.Item>
            <Descriptions.Item label={t('member.attributes')} span="filled">
              {Object.keys(m.attributes).length ? (
                <span className="yt-mono">
                  {Object.entries(m.attributes)
                    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                    .join(' · ')}
                </span>
              ) : (
                '—'
              )}
            </Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      {m && <MemberActivity externalId={externalId} />}
      {m && editing && (
        <MemberEditModal
          member={m}
          guideId={guide?.id ?? null}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            loaded.reload();
          }}
        />
      )}
      {m && erasing && <MemberEraseModal externalId={m.externalId} onClose={() => setErasing(false)} />}
    </Space>
  );
}

/** What happened to the member: runs (live), messages, coupons, events. Only asked for a member that exists. */
function MemberActivity({ externalId }: { externalId: string }) {
  const { t } = useTranslation();
  const runs = usePaged((page) => api.runs({ memberId: externalId, ...page }), [externalId]);
  const messages = usePaged((page) => api.messages({ memberId: externalId, ...page }), [externalId]);
  const coupons = usePaged((page) => api.coupons({ memberId: externalId, ...page }), [externalId]);
  // ops watch a member move through a journey: runs, messages and coupons follow without a manual refresh
  const reloads = [runs.reload, messages.reload, coupons.reload];
  const reloadsRef = useRef(reloads);
  reloadsRef.current = reloads;
  useEffect(() => {
    const timer = setInterval(() => {
      for (const r of reloadsRef.current) r();
    }, 4000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="yt-stack">
      <Card size="small" title={t('member.runs')}>
        <RunsTable
          runs={runs.items}
          loading={runs.loading && !runs.loaded}
          onChanged={runs.reload}
          show="member"
        />
        <LoadMore list={runs} />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
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
                      <Space size={6} wrap>
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
        <Col xs={24} lg={10}>
          <Card size="small" title={t('member.coupons')}>
            <Table<Coupon>
              size="small"
              rowKey="code"
              pagination={false}
              dataSource={coupons.items}
              scroll={{ x: 'max-content' }}
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
      <MemberEvents externalId={externalId} />
    </div>
  );
}
