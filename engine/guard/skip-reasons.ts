/**
 * Every reason a step or a message can be skipped or deferred for: the guard stage's (consent, address, quiet
 * hours, caps, platform quota), a holdout group's, and the nodes' and providers' own (no guide to give a task or
 * send a WeCom message through, a guide who left, no coupon stock). Ops read them on runs and in the outbox;
 * the web labels each (web/i18n/server-codes.test.ts).
 */
export const SKIP_REASONS = [
  'quiet_hours',
  'frequency_cap',
  'no_consent',
  'no_address',
  'platform_quota',
  'holdout',
  'no_guide',
  'guide_inactive',
  'out_of_stock',
  'coupon_stopped',
] as const;
