import { Alert, Button, Form, Result } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { authApi, type Session } from './auth-api';
import { authErrorText } from './auth-errors';
import { AuthLayout } from './auth-layout';
import { PasswordFields } from './setup-page';

/**
 * `#/reset/<token>`: the link of a password-reset mail. A new password signs the person in; every other session of
 * the account ends, and workspaces other than the one whose mail carried the link wait for their own proof.
 */
export function ResetPasswordPage({ token, onDone }: { token: string; onDone(s: Session): void }) {
  const { t } = useTranslation();
  const [gone, setGone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { password: string }) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await authApi.confirmReset({ token, password: v.password }));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'not_found') setGone(true);
      else setError(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  if (gone)
    return (
      <AuthLayout title={t('auth.reset.title')}>
        <Result
          status="warning"
          title={t('auth.reset.gone')}
          subTitle={t('auth.reset.goneHint')}
          extra={<Button href="#/journeys">{t('auth.signIn.title')}</Button>}
          data-testid="reset-gone"
        />
      </AuthLayout>
    );
  return (
    <AuthLayout title={t('auth.reset.title')} subtitle={t('auth.reset.subtitle')}>
      <Form layout="vertical" onFinish={submit} requiredMark={false} data-testid="reset-form">
        <PasswordFields prefix="reset" />
        {error && <Alert type="error" showIcon message={error} className="yt-mb" data-testid="auth-error" />}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="reset-submit">
          {t('auth.reset.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
