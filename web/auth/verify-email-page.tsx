import { Alert, Button, Form, Input, Result } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { authApi } from './auth-api';
import { authErrorText } from './auth-errors';
import { AuthLayout } from './auth-layout';

/**
 * `#/verify/<token>`: the link of a verification mail. It proves the address only with the account's password
 * as well — a link someone else asked for proves nothing when its owner clicks it — and only to the workspace
 * whose mail carried it. A button, not an automatic call: mail scanners open links too.
 */
export function VerifyEmailPage({ token, onLeave }: { token: string; onLeave(): void }) {
  const { t } = useTranslation();
  const [done, setDone] = useState<{ name: string } | null>(null);
  const [gone, setGone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await authApi.confirmVerification({ token, password: v.password });
      setDone(r.workspace);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'not_found') setGone(true);
      else setError(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  if (gone || done)
    return (
      <AuthLayout title={t('auth.verify.title')}>
        <Result
          status={done ? 'success' : 'warning'}
          title={done ? t('auth.verify.done', { workspace: done.name }) : t('auth.verify.gone')}
          subTitle={done ? t('auth.verify.doneHint') : t('auth.verify.goneHint')}
          extra={
            <Button type="primary" onClick={onLeave} data-testid="verify-leave">
              {t('auth.verify.continue')}
            </Button>
          }
          data-testid={done ? 'verify-done' : 'verify-gone'}
        />
      </AuthLayout>
    );
  return (
    <AuthLayout title={t('auth.verify.title')} subtitle={t('auth.verify.subtitle')}>
      <Form layout="vertical" onFinish={submit} requiredMark={false} data-testid="verify-form">
        <Form.Item
          name="password"
          label={t('auth.verify.password')}
          extra={t('auth.verify.passwordHint')}
          rules={[{ required: true, message: t('auth.rule.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" autoFocus data-testid="verify-password" />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} className="yt-mb" data-testid="auth-error" />}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="verify-submit">
          {t('auth.verify.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
