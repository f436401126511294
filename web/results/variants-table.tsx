import TrophyFilled from '@ant-design/icons/es/icons/TrophyFilled';
import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SplitResult, VariantResult } from '../api/results-types';
import { useCan } from '../auth/session';
import { ExportButton } from './export-button';
import type { DateRange } from './range';
import { SplitDecisionBanner, usePickWinner } from './split-decision';
import type { NodeName } from './use-node-names';
import { chance, count, percent, winnerWords, yuan } from './words';

/** Which variant is marked the winner: the recorded decision first, else the statistics' winner. */
export function winnerKey(split: SplitResult): string | undefined {
  return split.decision?.variant ?? (split.winner.status === 'winner' ? split.winner.winner : undefined);
}

/** A split's name: its own label, else the node's title (随机分流) rather than its id. */
const splitName = (s: SplitResult, nodeName: (id: string) => NodeName) =>
  s.label && s.label !== s.nodeId ? s.label : nodeName(s.nodeId).title;

function SplitCard({
  journeyId,
  split,
  name,
  onChanged,
}: {
  journeyId: string;
  split: SplitResult;
  name: string;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const canPublish = useCan('journeys.publish');
  const pick = usePickWinner(journeyId, split, onChanged);
  const words = winnerWords(t, split);
  const winner = winnerKey(split);
  return (
    <div className="yt-results__split" data-testid={`split-${split.nodeId}`}>
      <Space direction="vertical" size={8} style={{ width: '100%' }}>
        <div>
          <Typography.Text strong>{name}</Typography.Text>{' '}
          <Tag
            color={split.winner.status === 'winner' ? 'gold' : 'default'}
            data-testid={`winner-status-${split.nodeId}`}
            data-status={split.winner.status}
          >
            {words.headline}
          </Tag>
          {words.detail && (
            <Typography.Text type="secondary" data-testid={`winner-detail-${split.nodeId}`}>
              {words.detail}
            </Typography.Text>
          )}
        </div>
        <SplitDecisionBanner journeyId={journeyId} split={split} onChanged={onChanged} />
        <Table<VariantResult>
          size="small"
          rowKey="key"
          pagination={false}
          dataSource={split.variants}
          scroll={{ x: 720 }}
          rowClassName={(v) => (v.key === winner ? 'yt-results__winner-row' : '')}
          columns={[
            {
              title: t('results.variants.col.variant'),
              render: (_, v) => (
                <Space size={4} data-testid={`variant-${v.key}`}>
                  {v.key === winner && <TrophyFilled className="yt-results__trophy" />}
                  <span>{v.label}</span>
                  {v.holdout && <Tag>{t('results.variants.holdoutTag')}</Tag>}
                  {v.key === winner && (
                    <Tag color="gold" data-testid="winner-tag">
                      {t('results.variants.winnerTag')}
                    </Tag>
                  )}
                </Space>
              ),
            },
            { title: t('results.variants.col.entered'), align: 'right', render: (_, v) => count(v.entered) },
            {
              title: t('results.variants.col.converted'),
              align: 'right',
              render: (_, v) => count(v.converted),
            },
            {
              title: t('results.variants.col.rate'),
              align: 'right',
              render: (_, v) => percent(v.conversionRate),
            },
            {
              title: t('results.variants.col.revenue'),
              align: 'right',
              render: (_, v) => yuan(v.revenueFen),
            },
            {
              title: t('results.variants.col.perMember'),
              align: 'right',
              render: (_, v) => yuan(v.revenuePerMemberFen),
            },
            {
              title: t('results.variants.col.pBest'),
              align: 'right',
              render: (_, v) => (v.holdout ? '—' : chance(v.probabilityBest)),
            },
            ...(canPublish && !split.decision
              ? [
                  {
                    key: 'pick',
                    width: 110,
                    render: (_: unknown, v: VariantResult) =>
                      !v.holdout && (
                        <Button
                          size="small"
                          type="link"
                          onClick={() => pick(v.key, v.label)}
                          data-testid={`pick-${split.nodeId}-${v.key}`}
                        >
                          {t('results.decision.pick')}
                        </Button>
                      ),
                  },
                ]
              : []),
          ]}
        />
      </Space>
    </div>
  );
}

/** Every split of the journey: its variants side by side, the winner marked or what is missing to name one. */
export function VariantsTable({
  journeyId,
  journeyName,
  range,
  splits,
  nodeName,
  onChanged,
}: {
  journeyId: string;
  journeyName: string;
  range: DateRange;
  splits: SplitResult[];
  nodeName(id: string): NodeName;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const header = [
    t('results.csv.split'),
    t('results.variants.col.variant'),
    t('results.csv.holdout'),
    t('results.csv.winner'),
    t('results.variants.col.entered'),
    t('results.variants.col.converted'),
    t('results.variants.col.rate'),
    t('results.csv.revenueYuan'),
    t('results.csv.perMemberYuan'),
    t('results.variants.col.pBest'),
  ];
  const rows = () =>
    splits.flatMap((s) =>
      s.variants.map((v) => [
        splitName(s, nodeName),
        v.label,
        v.holdout ? t('results.csv.yes') : '',
        v.key === winnerKey(s) ? t('results.csv.yes') : '',
        v.entered,
        v.converted,
        v.conversionRate,
        v.revenueFen / 100,
        v.revenuePerMemberFen === null ? null : v.revenuePerMemberFen / 100,
        v.probabilityBest,
      ]),
    );
  return (
    <Card
      size="small"
      title={t('results.variants.title')}
      data-testid="variants-card"
      extra={
        splits.length > 0 && (
          <ExportButton
            journeyName={journeyName}
            table={t('results.csv.variants')}
            range={range}
            header={header}
            rows={rows}
            testId="export-variants"
          />
        )
      }
    >
      {splits.length === 0 ? (
        <Typography.Text type="secondary">{t('results.variants.none')}</Typography.Text>
      ) : (
        splits.map((s) => (
          <SplitCard
            key={s.nodeId}
            journeyId={journeyId}
            split={s}
            name={splitName(s, nodeName)}
            onChanged={onChanged}
          />
        ))
      )}
    </Card>
  );
}
