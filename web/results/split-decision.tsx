import { Alert, App, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { SplitDecision, SplitResult } from '../api/results-types';
import { useCan } from '../auth/session';
import { formatTime } from '../shell/format';
import { percent } from './words';

/**
 * The figures a decision was recorded with, in one line: the chance each group was best and its counts when
 * those were recorded; other recorded figures as they are.
 */
export function decisionNumbers(numbers: SplitDecision['numbers'], label: (key: string) => string): string {
  if (!numbers) return '';
  const parts: string[] = [];
  const probabilities = numbers.probabilities as Record<string, number> | undefined;
  if (probabilities && typeof probabilities === 'object')
    for (const [k, p] of Object.entries(probabilities)) parts.push(`${label(k)} ${percent(p)}`);
  const variants = numbers.variants as { key?: string; entered?: number; converted?: number }[] | undefined;
  if (Array.isArray(variants))
    for (const v of variants)
      if (v?.key !== undefined) parts.push(`${label(v.key)} ${v.converted ?? '?'}/${v.entered ?? '?'}`);
  for (const [k, v] of Object.entries(numbers))
    if (k !== 'probabilities' && k !== 'variants' && (typeof v === 'number' || typeof v === 'string'))
      parts.push(`${k} ${v}`);
  return parts.join(' · ');
}

/** A split's recorded winner (auto or manual) with its time and numbers, and the undo for who may publish. */
export function SplitDecisionBanner({
  journeyId,
  split,
  onChanged,
}: {
  journeyId: string;
  split: SplitResult;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const canPublish = useCan('journeys.publish');
  const label = (key: string) => split.variants.find((v) => v.key === key)?.label ?? key;
  const d = split.decision;
  if (!d)
    return (
      <div className="yt-muted" data-testid={`auto-winner-${split.nodeId}`}>
        {split.autoWinner.enabled
          ? t('results.decision.autoOn', {
              min: split.autoWinner.minPerVariant,
              threshold: percent(split.autoWinner.threshold),
            })
          : t('results.decision.autoOff')}
      </div>
    );
  const undo = () =>
    modal.confirm({
      title: t('results.decision.undo'),
      content: t('results.decision.undoConfirm'),
      okText: t('results.decision.confirmOk'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-undo' },
      onOk: async () => {
        try {
          await api.undoSplitDecision(journeyId, split.nodeId);
          message.success(t('results.decision.undone'));
          onChanged();
        } catch (e) {
          message.error(t('results.decision.failed', { message: (e as Error).message }));
        }
      },
    });
  const numbers = decisionNumbers(d.numbers, label);
  return (
    <Alert
      type="success"
      showIcon
      data-testid={`decision-${split.nodeId}`}
      data-by={d.by}
      title={t(`results.decision.${d.by}`, {
        variant: label(d.variant),
        time: formatTime(d.decidedAt),
        actor: d.actor ?? '',
      })}
      description={numbers ? t('results.decision.numbers', { numbers }) : undefined}
      action={
        canPublish && (
          <Space>
            <Button size="small" onClick={undo} data-testid={`undo-decision-${split.nodeId}`}>
              {t('results.decision.undo')}
            </Button>
          </Space>
        )
      }
    />
  );
}

/** Picks a variant as the winner by hand, after a confirm dialog that says what happens to whom. */
export function usePickWinner(journeyId: string, split: SplitResult, onChanged: () => void) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  return (variantKey: string, variantLabel: string) =>
    modal.confirm({
      title: t('results.decision.pick'),
      content: t('results.decision.pickConfirm', { variant: variantLabel }),
      okText: t('results.decision.confirmOk'),
      okButtonProps: { 'data-testid': 'confirm-pick' },
      onOk: async () => {
        try {
          await api.decideSplit(journeyId, split.nodeId, variantKey);
          message.success(t('results.decision.picked', { variant: variantLabel }));
          onChanged();
        } catch (e) {
          message.error(t('results.decision.failed', { message: (e as Error).message }));
        }
      },
    });
}
