import type { TFunction } from 'i18next';

/** What a run step (or a simulated one) means, read from its status and detail. */
export type StepOutcome =
  | { kind: 'ok'; holdout: boolean }
  | { kind: 'skipped'; reason: string }
  | { kind: 'deferred'; reason: string; until: number | null }
  | { kind: 'converted'; goal: string | null }
  | { kind: 'exited'; criterion: string | null }
  | { kind: 'failed' };

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

export function stepOutcome(step: { status: string; detail?: Record<string, unknown> | null }): StepOutcome {
  const d = step.detail ?? {};
  switch (step.status) {
    case 'skipped':
      return { kind: 'skipped', reason: str(d.reason) ?? 'unknown' };
    case 'deferred':
      return {
        kind: 'deferred',
        reason: str(d.reason) ?? 'unknown',
        until: typeof d.until === 'number' ? d.until : null,
      };
    case 'converted':
      return { kind: 'converted', goal: str(d.goal) ?? str(d.event) };
    case 'exited':
      return { kind: 'exited', criterion: str(d.criterion) };
    case 'failed':
      return { kind: 'failed' };
    default:
      return { kind: 'ok', holdout: d.holdout === true };
  }
}

/** Why an effect was skipped or deferred, in words: 免打扰, 频控, 未授权, 无联系方式, 对照组. */
export function reasonText(t: TFunction, reason: string): string {
  return t(`reason.${reason}`, { defaultValue: reason });
}

/** An event name with its everyday name when there is one: `order_paid（订单支付）`. */
export function eventText(t: TFunction, event: string): string {
  const name = t(`events.${event}`, { defaultValue: '' });
  return name ? t('events.named', { event, name }) : event;
}

/**
 * An exit criterion as the engine labels it (`event:unsubscribe`, `tag:unsubscribed`,
 * `attribute:level eq vip`) in words: 发生事件 unsubscribe / 被打上标签 unsubscribed / 属性 level 等于 vip.
 */
export function criterionText(t: TFunction, label: string): string {
  const at = label.indexOf(':');
  const kind = at < 0 ? '' : label.slice(0, at);
  const rest = label.slice(at + 1);
  if (kind === 'event') return t('criterion.event', { event: eventText(t, rest) });
  if (kind === 'tag') return t('criterion.tag', { tag: rest });
  if (kind === 'attribute') {
    const m = /^(\S+) (\S+)(?: (.*))?$/.exec(rest);
    if (m)
      return t('criterion.attribute', {
        key: m[1],
        op: t(`op.${m[2]}`, { defaultValue: m[2] }),
        value: m[3] ?? '',
      }).trim();
  }
  return label;
}

/** Why a run ended, in words: 达成转化目标, 满足退出条件：被打上标签 unsubscribed, 到达退出节点… */
export function exitReasonText(t: TFunction, exitReason: string): string {
  if (exitReason.startsWith('exit:'))
    return t('exitReason.exit', { criterion: criterionText(t, exitReason.slice('exit:'.length)) });
  return t(`exitReason.${exitReason}`, { defaultValue: exitReason });
}
