import { useTranslation } from 'react-i18next';
import { formatShortTime } from '../shell/format';
import { criterionText, eventText, reasonText, type StepOutcome } from './step-words';

/** The timeline dot of a step: blue passed, orange skipped, gold deferred, purple converted, red failed. */
export function stepColor(o: StepOutcome): string {
  return {
    ok: 'blue',
    skipped: 'orange',
    deferred: 'gold',
    converted: 'purple',
    exited: 'gray',
    failed: 'red',
  }[o.kind];
}

/** What a step did beyond taking its output, in words; nothing for a plain step. */
export function StepOutcomeText({ outcome: o }: { outcome: StepOutcome }) {
  const { t } = useTranslation();
  let text: string | null = null;
  if (o.kind === 'skipped') text = t('step.skipped', { reason: reasonText(t, o.reason) });
  else if (o.kind === 'deferred')
    text =
      o.until === null
        ? t('step.deferredNoTime', { reason: reasonText(t, o.reason) })
        : t('step.deferred', { reason: reasonText(t, o.reason), until: formatShortTime(o.until) });
  else if (o.kind === 'converted')
    text = o.goal ? t('step.converted', { goal: eventText(t, o.goal) }) : t('step.convertedNoGoal');
  else if (o.kind === 'exited')
    text = o.criterion
      ? t('step.exited', { criterion: criterionText(t, o.criterion) })
      : t('step.exitedNoCriterion');
  else if (o.kind === 'failed') text = t('step.failed');
  else if (o.holdout) text = t('step.holdout');
  if (!text) return null;
  return (
    <div className={`yt-step-outcome yt-step-outcome--${o.kind}`} data-testid="step-outcome">
      {text}
    </div>
  );
}
