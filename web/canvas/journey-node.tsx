import WarningFilled from '@ant-design/icons/es/icons/WarningFilled';
import { Handle, type NodeProps, Position } from '@xyflow/react';
import { Tooltip } from 'antd';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import type { FlowNode } from './document';
import { useEditorView } from './editor-context';
import { nodeCounts } from './node-counts';
import { NodeIcon } from './node-icon';
import { NodeOutcomeCounts, SplitDecisionBadge } from './node-outcome-counts';
import { outputsFor } from './outputs';
import { problemText } from './problem-text';
import { renderSummary } from './summary';
import { useSummaryFormat } from './use-summary-format';

/**
 * The one node component for every node type: icon, title, one-line summary of the config,
 * validation state and one labelled handle per output. Everything comes from the node-type registry.
 */
function JourneyNodeImpl({ id, type, data, selected }: NodeProps<FlowNode>) {
  const { t } = useTranslation();
  const { lang, pick } = useLang();
  const { byType } = useCatalog();
  const view = useEditorView();
  const fmt = useSummaryFormat();
  const nodeType = byType.get(type);
  const problems = view.problemsByNode.get(id);
  const stats = view.stats?.[id];
  const counts = stats ? nodeCounts(stats) : null;
  const decision = view.decisions?.get(id);
  const outputs = useMemo(() => outputsFor(nodeType, data, lang), [nodeType, data, lang]);
  const summary = nodeType ? renderSummary(pick(nodeType.summary), data, nodeType.configSchema, fmt) : type;
  const color = nodeType?.color ?? '#8c8c8c';
  const showLabels = outputs.length > 1 || (outputs.length === 1 && outputs[0].id !== 'next');

  const className = [
    'yt-node',
    selected && 'is-selected',
    problems && 'is-invalid',
    !nodeType && 'is-unknown',
    view.path && (view.path.has(id) ? 'is-on-path' : 'is-off-path'),
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={className}
      data-testid={`node-${id}`}
      data-type={type}
      style={{ ['--node-color' as string]: color }}
    >
      {nodeType?.category !== 'trigger' && (
        <Handle
          type="target"
          position={Position.Top}
          className="yt-handle yt-handle--in"
          isConnectable={!view.readOnly}
        />
      )}
      <div className="yt-node__head">
        <span className="yt-node__icon" style={{ background: color }}>
          <NodeIcon name={nodeType?.icon ?? 'QuestionOutlined'} />
        </span>
        <span className="yt-node__title">
          {nodeType ? pick(nodeType.title) : t('node.unknownType', { type })}
        </span>
        {problems && (
          <Tooltip
            title={
              <ul className="yt-tip-list">
                {problems.map((p) => (
                  <li key={`${p.code}:${p.field ?? ''}:${p.message}`}>
                    {problemText(t, lang, p, nodeType, data)}
                  </li>
                ))}
              </ul>
            }
          >
            <span className="yt-node__warn" data-testid={`node-problem-${id}`}>
              <WarningFilled /> {problems.length}
            </span>
          </Tooltip>
        )}
      </div>
      <div className="yt-node__summary" title={summary}>
        {summary}
      </div>
      {stats && (
        <div className="yt-node__stats" data-testid={`node-stats-${id}`}>
          {t('node.stats', { entered: counts?.entered ?? 0, waiting: stats.waiting })}
          {stats.failed > 0 && (
            <span className="yt-node__failed"> · {t('node.failed', { count: stats.failed })}</span>
          )}
          <NodeOutcomeCounts stats={stats} downstream={counts?.convertedDownstream ?? 0} />
        </div>
      )}
      {decision && <SplitDecisionBadge decision={decision} />}
      {outputs.length > 0 && (
        <div className={`yt-node__outputs${showLabels ? '' : ' is-bare'}`}>
          {outputs.map((o) => (
            <div className="yt-node__out" key={o.id}>
              {showLabels && <span className="yt-node__out-label">{o.label}</span>}
              {stats?.outputs[o.id] !== undefined && showLabels && (
                <span className="yt-node__out-count">{stats.outputs[o.id]}</span>
              )}
              <Handle
                type="source"
                position={Position.Bottom}
                id={o.id}
                className="yt-handle yt-handle--out"
                data-testid={`handle-${id}-${o.id}`}
                isConnectable={!view.readOnly}
              />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

export const JourneyNode = memo(JourneyNodeImpl);
