import type { Problem } from '../compiler/problem.js';

export type ErrorCode =
  | 'invalid_input'
  | 'invalid_json'
  | 'not_found'
  | 'conflict'
  | 'invalid_journey'
  | 'event_failed'
  | 'invalid_settings'
  | 'unavailable'
  | 'internal'
  | 'unauthenticated'
  | 'forbidden'
  | 'setup_required'
  /** an existing account's address is not proven to the workspace it would join */
  | 'email_unverified'
  | 'rate_limited'
  | 'unsupported_media_type'
  /** an audience rule past a size limit (engine/segments/rule-limits.ts) */
  | 'rule_too_large'
  /** a preview that ran past its statement timeout (YUTANG_PREVIEW_TIMEOUT_MS) */
  | 'preview_too_slow'
  /** a simulation past its step or time limit */
  | 'simulation_too_long'
  /** more previews or simulations at once than a workspace or caller may run */
  | 'too_many_at_once';

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 415 | 422 | 429 | 500 | 503> = {
  invalid_input: 400,
  invalid_json: 400,
  not_found: 404,
  conflict: 409,
  invalid_journey: 422,
  event_failed: 422,
  invalid_settings: 422,
  unavailable: 503,
  internal: 500,
  unauthenticated: 401,
  forbidden: 403,
  setup_required: 403,
  email_unverified: 403,
  rate_limited: 429,
  unsupported_media_type: 415,
  rule_too_large: 422,
  preview_too_slow: 422,
  simulation_too_long: 422,
  too_many_at_once: 429,
};

/** Thrown anywhere in the API; turned into a response in one place (the app's onError). */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      field?: string;
      issues?: { field: string; message: string }[];
      errors?: Problem[];
      /** the stored event an error is about (it was kept, or dead-lettered) */
      eventId?: string;
      /** the permission a 403 lacked */
      permission?: string;
      /**
       * `email_unverified`: what became of the verification mail (`sent`, `not_configured`, `failed`); not `mail`,
       * a key the viewer masking hides
       */
      mailOutcome?: string;
      /** seconds, for 429 and 503: also sent as `Retry-After` */
      retryAfter?: number;
      /** a 409 on deleting an audience: the published journeys / other audiences that use it */
      journeys?: { id: string; name: string }[];
      audiences?: { id: string; name: string }[];
    } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status() {
    return STATUS[this.code];
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
