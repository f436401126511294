import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi, type Session } from './auth-api';
import { authErrorText } from './auth-errors';
import { AuthLayout } from './auth-layout';

/** The first start: nobody has an account yet, and the first person creates the administrator. */
export function SetupPage({ onDone }: { onDone(s: Session): void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { email: string; name?: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await authApi.setup({ email: v.email, name: v.name ?? '', password: v.password }));
    } catch (e) {
      setError(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthLayout title={t('auth.setup.title')} subtitle={t('auth.setup.subtitle')}>
      <Form layout="vertical" onFinish={submit} requiredMark={false} data-testid="setup-form">
        <Form.Item
          name="email"
          label={t('auth.field.email')}
          rules={[{ required: true, type: 'email', message: t('auth.rule.email') }]}
        >
          <Input autoComplete="username" data-testid="setup-email" />
        </Form.Item>
        <Form.Item name="name" label={t('auth.field.name')}>
          <Input autoComplete="name" data-testid="setup-name" />
        </Form.Item>
        <PasswordFields prefix="setup" />
        {error && <Alert type="error" showIcon message={error} className="yt-mb" data-testid="auth-error" />}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="setup-submit">
          {t('auth.setup.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}

/** A new password twice, at least 10 characters (the server's rule). */
export function PasswordFields({ prefix, name = 'password' }: { prefix: string; name?: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item
        name={name}
        label={t('auth.field.newPassword')}
        extra={t('auth.rule.passwordHint')}
        rules={[
          { required: true, message: t('auth.rule.newPasswordRequired') },
          { min: 10, message: t('auth.rule.password') },
          { max: 256, message: t('auth.rule.passwordMax') },
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid={`${prefix}-password`} />
      </Form.Item>
      <Form.Item
        name={`${name}Again`}
        label={t('auth.field.passwordAgain')}
        dependencies={[name]}
        rules={[
          // an empty field says what is missing (两次输入的密码不一致 only when both are typed and differ)
          { required: true, message: t('auth.rule.passwordAgainRequired') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || getFieldValue(name) === value
                ? Promise.resolve()
                : Promise.reject(new Error(t('auth.rule.passwordAgain'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" data-testid={`${prefix}-password-again`} />
      </Form.Item>
    </>
  );
}
