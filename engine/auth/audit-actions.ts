/**
 * Audit actions written directly (sign-in, set-up, mail proofs), not by a route's `documented({ audit })`.
 * With the routes' own, these are every action the audit page shows; the web labels each one
 * (web/i18n/server-codes.test.ts fails on an action without zh and en words).
 */
export const DIRECT_AUDIT_ACTIONS = [
  'auth.setup',
  'auth.sign_in',
  'user.email_verify',
  'user.password_reset',
  'user.suspend',
  // a split's winner picked automatically (engine/results)
  'journey.split_decision',
] as const;
