import { Button, DatePicker, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AuditEntry, authApi } from '../auth/auth-api';
import { authErrorText } from '../auth/auth-errors';
import { formatTime } from '../shell/format';

const KINDS = [
  'journey',
  'audience',
  'member',
  'run',
  'event',
  'coupon_template',
  'settings',
  'key',
  'user',
  'invitation',
  'workspace',
  'auth',
];
const OUTCOME_COLOR: Record<string, string> = { ok: 'green', denied: 'orange', failed: 'red' };

interface Filter {
  action?: string;
  outcome?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/** Admins: who changed what, when, and how it ended; newest first, more on demand. */
export function AuditPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>({});
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      try {
        const page = await authApi.audit({
          action: filter.action,
          outcome: filter.outcome,
          from: filter.range?.[0]?.startOf('day').toISOString(),
          to: filter.range?.[1]?.endOf('day').toISOString(),
          cursor: from ?? undefined,
          limit: '50',
        });
        setEntries((prev) => (from ? [...prev, ...page.entries] : page.entries));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(authErrorText(t, e));
      } finally {
        setLoading(false);
      }
    },
    [filter, t],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const actionText = (action: string) =>
    t(`audit.action.${action.replace('.', '_')}`, { defaultValue: action });

  return (
    <div className="yt-page" data-testid="audit-page">
      <div className="yt-page__head">
        <div>
          <Typography.Title level={3}>{t('audit.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('audit.subtitle')}</Typography.Text>
        </div>
        <Space wrap>
          <Select
            allowClear
            placeholder={t('audit.filter.kind')}
            style={{ width: 150 }}
            value={filter.action}
            onChange={(action) => setFilter((f) => ({ ...f, action }))}
            options={KINDS.map((k) => ({ value: k, label: t(`audit.kind.${k}`, { defaultValue: k }) }))}
            data-testid="audit-kind"
          />
          <Select
            allowClear
            placeholder={t('audit.filter.outcome')}
            style={{ width: 120 }}
            value={filter.outcome}
            onChange={(outcome) => setFilter((f) => ({ ...f, outcome }))}
            options={['ok', 'denied', 'failed'].map((o) => ({ value: o, label: t(`audit.outcome.${o}`) }))}
          />
          <DatePicker.RangePicker
            value={filter.range ?? null}
            onChange={(range) => setFilter((f) => ({ ...f, range }))}
          />
        </Space>
      </div>
      {error && <div className="yt-error-text yt-mb">{error}</div>}
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={loading && entries.length === 0}
        dataSource={entries}
        pagination={false}
        locale={{ emptyText: t('audit.empty') }}
        data-testid="audit-table"
        columns={[
          {
            title: t('audit.col.at'),
            dataIndex: 'at',
            width: 170,
            render: (v: string) => <span className="yt-nowrap">{formatTime(v)}</span>,
          },
          {
            title: t('audit.col.actor'),
            width: 220,
            render: (_, e) => (
              <Space size={4}>
                <Tag>{t(`audit.actor.${e.actor.type}`)}</Tag>
                <span>{e.actor.name ?? '—'}</span>
              </Space>
            ),
          },
          {
            title: t('audit.col.action'),
            dataIndex: 'action',
            render: (a: string) => <span data-testid="audit-action">{actionText(a)}</span>,
          },
          {
            title: t('audit.col.target'),
            render: (_, e) =>
              e.target ? (
                <span>
                  {t(`audit.kind.${e.target.type}`, { defaultValue: e.target.type })}{' '}
                  <span className="yt-mono yt-muted">
                    {e.target.id.length > 12 ? `${e.target.id.slice(0, 8)}…` : e.target.id}
                  </span>
                  {typeof e.detail.name === 'string' && <span> · {e.detail.name}</span>}
                  {typeof e.detail.version === 'number' && <span> · v{e.detail.version}</span>}
                  {typeof e.detail.edits === 'number' && (
                    <span> · {t('audit.edits', { count: e.detail.edits })}</span>
                  )}
                </span>
              ) : (
                '—'
              ),
          },
          {
            title: t('audit.col.outcome'),
            dataIndex: 'outcome',
            width: 90,
            render: (o: string) => <Tag color={OUTCOME_COLOR[o]}>{t(`audit.outcome.${o}`)}</Tag>,
          },
          {
            title: t('audit.col.request'),
            dataIndex: 'requestId',
            width: 120,
            render: (v: string | null) => (
              <span className="yt-mono yt-muted">{v ? `${v.slice(0, 8)}…` : '—'}</span>
            ),
          },
        ]}
      />
      {cursor && (
        <div className="yt-center" style={{ marginTop: 16 }}>
          <Button loading={loading} onClick={() => void load(cursor)} data-testid="audit-more">
            {t('audit.more')}
          </Button>
        </div>
      )}
    </div>
  );
}
