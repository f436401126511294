import { Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Totals } from '../api/types';

/** The parts that add up to 进入: every run is in exactly one of them. */
const PARTS = [
  'active',
  'completed',
  'converted',
  'exited',
  'cancelled',
] as const satisfies readonly (keyof Totals)[];

/**
 * A journey's run counts in one line: 进入 = 进行中 + 已完成 + 已转化 + 已退出 + 已取消, so the figures add
 * up (cancelled runs are counted, not left out). Failed runs wait for a retry, so they are inside 进行中 and
 * said there: 进行中 2（含失败 1）. Converted members reached the goal; exited ones met an exit criterion.
 */
export function JourneyTotals({ totals, compact }: { totals: Totals; compact?: boolean }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('totals.sum')}>
      <div className={`yt-totals${compact ? ' is-compact' : ''}`} data-testid="journey-totals">
        <Item k="entered" label={t('totals.entered')} value={totals.entered} />
        {PARTS.map((k) => (
          <Item key={k} k={k} label={t(`totals.${k}`)} value={totals[k]}>
            {k === 'active' && totals.failed > 0 && (
              <span className="yt-totals__failed" data-testid="total-failed">
                {t('totals.failedWithin', { count: totals.failed })}
              </span>
            )}
          </Item>
        ))}
      </div>
    </Tooltip>
  );
}

function Item({
  k,
  label,
  value,
  children,
}: {
  k: keyof Totals;
  label: string;
  value: number;
  children?: React.ReactNode;
}) {
  return (
    <span className={`yt-totals__item yt-totals__item--${k}`} data-testid={`total-${k}`}>
      <span className="yt-totals__label">{label}</span>
      <span className="yt-totals__value">{value.toLocaleString()}</span>
      {children}
    </span>
  );
}
