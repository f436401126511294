import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi, type Session } from './auth-api';
import { authErrorText } from './auth-errors';
import { AuthLayout } from './auth-layout';
import { ForgotPasswordModal } from './forgot-password-modal';

export function SignInPage({ onDone }: { onDone(s: Session): void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [forgot, setForgot] = useState(false);
  const submit = async (v: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await authApi.signIn(v));
    } catch (e) {
      setError(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthLayout title={t('auth.signIn.title')}>
      <Form layout="vertical" onFinish={submit} requiredMark={false} data-testid="sign-in-form">
        <Form.Item
          name="email"
          label={t('auth.field.email')}
          rules={[{ required: true, type: 'email', message: t('auth.rule.email') }]}
        >
          <Input autoComplete="username" autoFocus data-testid="sign-in-email" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('auth.field.password')}
          rules={[{ required: true, message: t('auth.rule.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" data-testid="sign-in-password" />
        </Form.Item>
        {error && <Alert type="error" showIcon message={error} className="yt-mb" data-testid="auth-error" />}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="sign-in-submit">
          {t('auth.signIn.submit')}
        </Button>
        <div className="yt-auth__foot">
          <Button type="link" size="small" onClick={() => setForgot(true)} data-testid="forgot-password">
            {t('auth.signIn.forgot')}
          </Button>
        </div>
      </Form>
      <ForgotPasswordModal open={forgot} onClose={() => setForgot(false)} />
    </AuthLayout>
  );
}
