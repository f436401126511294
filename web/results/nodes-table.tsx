import { Card, Table, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { NodeResult } from '../api/results-types';
import { reasonText } from '../runs/step-words';
import { ExportButton } from './export-button';
import type { DateRange } from './range';
import type { NodeName } from './use-node-names';
import { count } from './words';

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** Every node's figures, the same the canvas shows: entered = passed + waiting + failed + ended here. */
export function NodesTable({
  nodes,
  journeyName,
  range,
  nodeName,
}: {
  nodes: NodeResult[];
  journeyName: string;
  range: DateRange;
  nodeName(id: string): NodeName;
}) {
  const { t } = useTranslation();
  const byReason = (r: Record<string, number>) =>
    Object.entries(r)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, n]) => t('node.byReason', { reason: reasonText(t, reason), count: n }))
      .join(t('results.listSep'));
  const passedWords = (n: NodeResult) =>
    Object.entries(n.passed)
      .map(([o, c]) => `${nodeName(n.nodeId).output(o)} ${c.toLocaleString()}`)
      .join(' · ');
  const header = [
    t('results.csv.node'),
    t('results.nodes.col.node'),
    t('results.nodes.col.entered'),
    t('results.nodes.col.passed'),
    t('results.nodes.col.waiting'),
    t('results.nodes.col.skipped'),
    t('results.nodes.col.deferred'),
    t('results.nodes.col.failed'),
    t('results.nodes.col.endedHere'),
    t('results.nodes.col.downstream'),
  ];
  const rows = () =>
    nodes.map((n) => [
      n.nodeId,
      nodeName(n.nodeId).title,
      n.entered,
      passedWords(n),
      n.waiting,
      sum(n.skipped) ? `${sum(n.skipped)} (${byReason(n.skipped)})` : 0,
      sum(n.deferred) ? `${sum(n.deferred)} (${byReason(n.deferred)})` : 0,
      n.failed,
      n.endedHere,
      n.convertedDownstream,
    ]);
  const withReasons = (r: Record<string, number>) => {
    const total = sum(r);
    return total > 0 ? (
      <Tooltip title={byReason(r)}>
        <span className="yt-dotted">{count(total)}</span>
      </Tooltip>
    ) : (
      0
    );
  };
  return (
    <Card
      size="small"
      title={t('results.nodes.title')}
      data-testid="nodes-card"
      extra={
        <ExportButton
          journeyName={journeyName}
          table={t('results.csv.nodes')}
          range={range}
          header={header}
          rows={rows}
          testId="export-nodes"
        />
      }
    >
      <Table<NodeResult>
        size="small"
        rowKey="nodeId"
        pagination={false}
        dataSource={nodes}
        scroll={{ x: 900 }}
        columns={[
          {
            title: t('results.nodes.col.node'),
            render: (_, n) => (
              <div className="yt-results__node" data-testid={`node-row-${n.nodeId}`}>
                <div>{nodeName(n.nodeId).title}</div>
                <Typography.Text type="secondary" className="yt-ellipsis">
                  {nodeName(n.nodeId).summary}
                </Typography.Text>
              </div>
            ),
          },
          { title: t('results.nodes.col.entered'), align: 'right', render: (_, n) => count(n.entered) },
          { title: t('results.nodes.col.passed'), render: (_, n) => passedWords(n) || '—' },
          { title: t('results.nodes.col.waiting'), align: 'right', render: (_, n) => count(n.waiting) },
          { title: t('results.nodes.col.skipped'), align: 'right', render: (_, n) => withReasons(n.skipped) },
          {
            title: t('results.nodes.col.deferred'),
            align: 'right',
            render: (_, n) => withReasons(n.deferred),
          },
          {
            title: t('results.nodes.col.failed'),
            align: 'right',
            render: (_, n) =>
              n.failed > 0 ? <Typography.Text type="danger">{count(n.failed)}</Typography.Text> : 0,
          },
          { title: t('results.nodes.col.endedHere'), align: 'right', render: (_, n) => count(n.endedHere) },
          {
            title: t('results.nodes.col.downstream'),
            align: 'right',
            render: (_, n) => count(n.convertedDownstream),
          },
        ]}
      />
    </Card>
  );
}
