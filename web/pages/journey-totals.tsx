import { useTranslation } from 'react-i18next';
import type { Totals } from '../api/types';

const SHOWN = [
  'entered',
  'active',
  'completed',
  'converted',
  'exited',
  'failed',
] as const satisfies readonly (keyof Totals)[];

/**
 * A journey's run counts in one line: 进入 · 进行中 · 已完成 · 已转化 · 已退出 (· 失败 when there are any).
 * Converted members reached the goal; exited ones met an exit criterion.
 */
export function JourneyTotals({ totals, compact }: { totals: Totals; compact?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className={`yt-totals${compact ? ' is-compact' : ''}`} data-testid="journey-totals">
      {SHOWN.filter((k) => k !== 'failed' || totals.failed > 0).map((k) => (
        <span key={k} className={`yt-totals__item yt-totals__item--${k}`} data-testid={`total-${k}`}>
          <span className="yt-totals__label">{t(`totals.${k}`)}</span>
          <span className="yt-totals__value">{totals[k].toLocaleString()}</span>
        </span>
      ))}
    </div>
  );
}
