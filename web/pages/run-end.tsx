import { useTranslation } from 'react-i18next';
import type { Run } from '../api/types';
import { exitReasonText } from '../runs/step-words';

/** Why a run failed or ended, in words (达成转化目标, 满足退出条件：被打上标签 unsubscribed…). */
export function RunEnd({ run }: { run: Pick<Run, 'status' | 'error' | 'exitReason'> }) {
  const { t } = useTranslation();
  return (
    <>
      {run.status === 'failed' && run.error && (
        <div className="yt-error-text">{t('runs.error', { error: run.error })}</div>
      )}
      {run.exitReason && run.status !== 'failed' && (
        <div className={`yt-run-end yt-run-end--${run.status}`} data-testid="run-end-reason">
          {t('runs.endReason', { reason: exitReasonText(t, run.exitReason) })}
        </div>
      )}
    </>
  );
}
