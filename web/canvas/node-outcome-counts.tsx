import TrophyFilled from '@ant-design/icons/es/icons/TrophyFilled';
import { Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { NodeStats } from '../api/types';
import { reasonText } from '../runs/step-words';
import { formatTime } from '../shell/format';
import type { SplitDecisionView } from './use-split-decisions';

const total = (byReason: Record<string, number>) => Object.values(byReason).reduce((a, b) => a + b, 0);

/**
 * What happened at a node besides passing it: effects skipped and deferred (hover for the reasons: 免打扰,
 * 频控, 未授权, 无联系方式, 对照组), members who converted or exited while there, and members who passed it and
 * converted later (下游转化, the report's figure). Nothing when all are zero.
 */
export function NodeOutcomeCounts({ stats, downstream }: { stats: NodeStats; downstream: number }) {
  const { t } = useTranslation();
  const reasons = (byReason: Record<string, number>) => (
    <ul className="yt-tip-list">
      {Object.entries(byReason)
        .sort((a, b) => b[1] - a[1])
        .map(([reason, count]) => (
          <li key={reason}>{t('node.byReason', { reason: reasonText(t, reason), count })}</li>
        ))}
    </ul>
  );
  const skipped = total(stats.skipped);
  const deferred = total(stats.deferred);
  if (!skipped && !deferred && !stats.converted && !stats.exited && !downstream) return null;
  return (
    <div className="yt-node__outcomes">
      {skipped > 0 && (
        <Tooltip title={reasons(stats.skipped)}>
          <span className="yt-node__skipped" data-testid="node-skipped">
            {t('node.skipped', { count: skipped })}
          </span>
        </Tooltip>
      )}
      {deferred > 0 && (
        <Tooltip title={reasons(stats.deferred)}>
          <span className="yt-node__deferred" data-testid="node-deferred">
            {t('node.deferred', { count: deferred })}
          </span>
        </Tooltip>
      )}
      {stats.converted > 0 && (
        <span className="yt-node__converted" data-testid="node-converted">
          {t('node.converted', { count: stats.converted })}
        </span>
      )}
      {stats.exited > 0 && (
        <span className="yt-node__exited" data-testid="node-exited">
          {t('node.exited', { count: stats.exited })}
        </span>
      )}
      {downstream > 0 && (
        <Tooltip title={t('node.downstreamTip')}>
          <span className="yt-node__downstream" data-testid="node-downstream">
            {t('node.downstream', { count: downstream })}
          </span>
        </Tooltip>
      )}
    </div>
  );
}

/** A split node's recorded winner: who, how (auto or by hand) and when; undone under 效果. */
export function SplitDecisionBadge({ decision }: { decision: SplitDecisionView }) {
  const { t } = useTranslation();
  return (
    <Tooltip
      title={t('node.decision.tip', { time: formatTime(decision.decidedAt), variant: decision.variantLabel })}
    >
      <div className="yt-node__decision" data-testid="node-decision" data-by={decision.by}>
        <TrophyFilled /> {t(`node.decision.${decision.by}`, { variant: decision.variantLabel })}
      </div>
    </Tooltip>
  );
}
