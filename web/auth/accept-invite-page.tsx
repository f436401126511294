import { Alert, Button, Form, Input, Result, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi, type Role, type Session } from './auth-api';
import { authErrorText } from './auth-errors';
import { AuthLayout } from './auth-layout';
import { PasswordFields } from './setup-page';

type Invite = { email: string; role: Role; workspace: { id: string; name: string }; hasAccount: boolean };

/** `#/invite/<token>`: join a workspace with the role an admin chose, with a new password (or yours). */
export function AcceptInvitePage({ token, onDone }: { token: string; onDone(s: Session): void }) {
  const { t } = useTranslation();
  const [invite, setInvite] = useState<Invite | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    authApi.invitation(token).then(setInvite, () => setMissing(true));
  }, [token]);

  if (missing)
    return (
      <AuthLayout title={t('auth.invite.title')}>
        <Result
          status="warning"
          title={t('auth.invite.gone')}
          subTitle={t('auth.invite.goneHint')}
          extra={<Button href="#/journeys">{t('auth.signIn.title')}</Button>}
        />
      </AuthLayout>
    );
  if (!invite)
    return (
      <div className="yt-center">
        <Spin />
      </div>
    );

  const submit = async (v: { name?: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      onDone(await authApi.acceptInvitation({ token, name: v.name ?? '', password: v.password }));
    } catch (e) {
      setError(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthLayout
      title={t('auth.invite.title')}
      subtitle={t('auth.invite.subtitle', {
        workspace: invite.workspace.name,
        role: t(`role.${invite.role}.name`),
        email: invite.email,
      })}
    >
      <Form layout="vertical" onFinish={submit} requiredMark={false} data-testid="invite-form">
        {invite.hasAccount ? (
          <Form.Item
            name="password"
            label={t('auth.invite.yourPassword')}
            rules={[{ required: true, message: t('auth.rule.passwordRequired') }]}
          >
            <Input.Password autoComplete="current-password" data-testid="invite-password" />
          </Form.Item>
        ) : (
          <>
            <Form.Item name="name" label={t('auth.field.name')}>
              <Input autoComplete="name" data-testid="invite-name" />
            </Form.Item>
            <PasswordFields prefix="invite" />
          </>
        )}
        {error && <Alert type="error" showIcon message={error} className="yt-mb" data-testid="auth-error" />}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="invite-submit">
          {t('auth.invite.submit')}
        </Button>
      </Form>
    </AuthLayout>
  );
}
