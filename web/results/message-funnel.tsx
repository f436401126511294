import { Alert, Card, Table, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MessageFunnelRow } from '../api/results-types';
import { ExportButton } from './export-button';
import type { DateRange } from './range';
import type { NodeName } from './use-node-names';
import { count, percent } from './words';

const share = (n: number, of: number) => (of > 0 ? n / of : null);

/** A funnel step: its count, a bar as wide as its share of the sent (or of `of`), and that share in words. */
function Step({ n, sent, of, testId }: { n: number; sent: number; of?: number; testId?: string }) {
  const { t } = useTranslation();
  const p = share(n, of ?? sent);
  return (
    <div className="yt-funnel__step" data-testid={testId}>
      <span className="yt-funnel__count">{count(n)}</span>
      <span className="yt-funnel__bar">
        <span style={{ width: `${Math.min(100, (p ?? 0) * 100)}%` }} />
      </span>
      <span className="yt-muted yt-funnel__share">
        {p === null ? '' : t('results.funnel.ofSent', { p: percent(p) })}
      </span>
    </div>
  );
}

/**
 * Delivered as measured: nothing when no provider reports delivery (the sandbox, a channel without reports: a
 * 0 there would read as "none arrived"), and out of the reported ones when only some are.
 */
function Delivered({ row }: { row: MessageFunnelRow }) {
  const { t } = useTranslation();
  if (row.delivered === null || row.deliverySource === 'none')
    return (
      <Tooltip title={t('results.funnel.noReceiptsTip')}>
        <span className="yt-muted yt-dotted" data-testid="delivery-unreported">
          {t('results.funnel.noDelivery')}
        </span>
      </Tooltip>
    );
  return row.deliverySource === 'partial' ? (
    <Tooltip title={t('results.funnel.partialTip', { tracked: row.deliveryTracked, sent: row.sent })}>
      <span>
        <Step n={row.delivered} sent={row.sent} of={row.deliveryTracked} />
      </span>
    </Tooltip>
  ) : (
    <Step n={row.delivered} sent={row.sent} />
  );
}

/** sent → delivered → clicked → converted per message node and split variant. */
export function MessageFunnel({
  rows,
  error,
  journeyName,
  range,
  nodeName,
  variantLabel,
}: {
  rows: MessageFunnelRow[] | undefined;
  error?: Error;
  journeyName: string;
  range: DateRange;
  nodeName(id: string): NodeName;
  variantLabel(key: string | null): string;
}) {
  const { t } = useTranslation();
  const header = [
    t('results.csv.node'),
    t('results.funnel.col.node'),
    t('results.funnel.col.channel'),
    t('results.funnel.col.variant'),
    t('results.funnel.col.sent'),
    t('results.funnel.col.delivered'),
    t('results.funnel.col.deliveryTracked'),
    t('results.funnel.col.undelivered'),
    t('results.funnel.col.failed'),
    t('results.funnel.col.skipped'),
    t('results.funnel.col.clicked'),
    t('results.funnel.col.clicks'),
    t('results.funnel.col.converted'),
  ];
  const csvRows = () =>
    (rows ?? []).map((r) => [
      r.nodeId,
      nodeName(r.nodeId).title,
      t(`enum.${r.channel}`, { defaultValue: r.channel }),
      variantLabel(r.variant),
      r.sent,
      r.delivered ?? '',
      r.deliveryTracked,
      r.undelivered,
      r.failed,
      r.skipped,
      r.clickedMembers,
      r.clicks,
      r.converted,
    ]);
  return (
    <Card
      size="small"
      title={t('results.funnel.title')}
      data-testid="funnel-card"
      extra={
        rows &&
        rows.length > 0 && (
          <ExportButton
            journeyName={journeyName}
            table={t('results.csv.funnel')}
            range={range}
            header={header}
            rows={csvRows}
            testId="export-funnel"
          />
        )
      }
    >
      {error ? (
        <Alert type="warning" showIcon title={t('results.funnel.unavailable', { message: error.message })} />
      ) : (
        <Table<MessageFunnelRow>
          size="small"
          loading={!rows}
          rowKey={(r) => `${r.nodeId}:${r.variant ?? ''}:${r.channel}`}
          pagination={false}
          dataSource={rows ?? []}
          scroll={{ x: 860 }}
          locale={{ emptyText: t('results.funnel.none') }}
          columns={[
            {
              title: t('results.funnel.col.node'),
              render: (_, r) => (
                <div>
                  <div>{nodeName(r.nodeId).title}</div>
                  <Typography.Text type="secondary" className="yt-ellipsis">
                    {t(`enum.${r.channel}`, { defaultValue: r.channel })}
                    {r.variant !== null && ` · ${variantLabel(r.variant)}`}
                  </Typography.Text>
                </div>
              ),
            },
            { title: t('results.funnel.col.sent'), align: 'right', render: (_, r) => count(r.sent) },
            {
              title: t('results.funnel.col.delivered'),
              render: (_, r) => <Delivered row={r} />,
            },
            {
              title: t('results.funnel.col.clicked'),
              render: (_, r) => <Step n={r.clickedMembers} sent={r.sent} />,
            },
            {
              title: t('results.funnel.col.converted'),
              render: (_, r) => <Step n={r.converted} sent={r.sent} />,
            },
            {
              // refused by the provider, or reported not delivered after it took them
              title: t('results.funnel.col.failed'),
              align: 'right',
              render: (_, r) =>
                r.failed + r.undelivered > 0 ? (
                  <Typography.Text type="danger">{count(r.failed + r.undelivered)}</Typography.Text>
                ) : (
                  0
                ),
            },
            {
              title: (
                <Tooltip title={t('results.funnel.col.skipped')}>
                  <span className="yt-dotted">{t('results.funnel.col.skippedShort')}</span>
                </Tooltip>
              ),
              align: 'right',
              render: (_, r) => <span data-testid="funnel-skipped">{count(r.skipped)}</span>,
            },
          ]}
        />
      )}
    </Card>
  );
}
