import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';

/** What to tell a person when an account action fails: in words, never the server's raw message. */
export function authErrorText(t: TFunction, e: unknown): string {
  if (!(e instanceof ApiError)) return t('auth.error.unknown');
  if (e.code === 'rate_limited') {
    const seconds = Number(/(\d+) s/.exec(e.message)?.[1] ?? 60);
    return t('auth.error.rateLimited', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  }
  if (e.code === 'unauthenticated') return t('auth.error.wrongPassword');
  if (e.code === 'network') return t('auth.error.network');
  if (e.code === 'not_found') return t('auth.error.notFound');
  if (e.code === 'conflict') return t('auth.error.conflict');
  if (e.code === 'forbidden') return t('auth.error.forbidden');
  if (e.code === 'email_unverified') return t('auth.error.emailUnverified');
  if (e.code === 'invalid_input' && e.field)
    return t('auth.error.field', { field: t(`auth.field.${e.field}`, { defaultValue: e.field }) });
  return t('auth.error.unknown');
}
