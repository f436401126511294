import { Alert, Button, Form, Input, Result, Segmented, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { authApi, type MailOutcome, type Role, type Session } from './auth-api';
import { authErrorText } from './auth-errors';
import { AuthLayout } from './auth-layout';
import { ForgotPasswordModal } from './forgot-password-modal';
import { PasswordFields } from './setup-page';

type Invite = { email: string; role: Role; workspace: { id: string; name: string } };
type Mode = 'new' | 'existing';

/**
 * `#/invite/<token>`: join a workspace with the role an admin chose. The server does not say whether the address
 * has an account (the admin holds this link too), so the person says which they have: a new password, or the one
 * of their account. An account must also have proven its address to this workspace: the server then mails a
 * link through the workspace's email and the page says so.
 */
export function AcceptInvitePage({ token, onDone }: { token: string; onDone(s: Session): void }) {
  const { t } = useTranslation();
  const [invite, setInvite] = useState<Invite | null>(null);
  const [missing, setMissing] = useState(false);
  const [mode, setMode] = useState<Mode>('new');
  const [error, setError] = useState<string | null>(null);
  const [hasAccount, setHasAccount] = useState(false);
  const [unverified, setUnverified] = useState<MailOutcome | null>(null);
  const [forgot, setForgot] = useState(false);
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
    setUnverified(null);
    try {
      onDone(await authApi.acceptInvitation({ token, name: v.name ?? '', password: v.password }));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'email_unverified') setUnverified(e.mailOutcome ?? 'failed');
      else if (e instanceof ApiError && e.code === 'unauthenticated' && mode === 'new') {
        // the address has an account after all: its password is what opens it
        setHasAccount(true);
        setMode('existing');
      } else setError(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  const names = { workspace: invite.workspace.name, email: invite.email };
  return (
    <AuthLayout
      title={t('auth.invite.title')}
      subtitle={t('auth.invite.subtitle', { ...names, role: t(`role.${invite.role}.name`) })}
    >
      <Segmented<Mode>
        block
        className="yt-mb"
        value={mode}
        onChange={(m) => {
          setMode(m);
          setError(null);
        }}
        options={[
          { value: 'new', label: t('auth.invite.newAccount') },
          { value: 'existing', label: t('auth.invite.haveAccount') },
        ]}
        data-testid="invite-mode"
      />
      {hasAccount && !unverified && (
        <Alert type="info" showIcon className="yt-mb" message={t('auth.invite.hasAccount', names)} />
      )}
      {unverified && (
        <Alert
          type={unverified === 'sent' ? 'warning' : 'error'}
          showIcon
          className="yt-mb"
          message={t('auth.invite.unverifiedTitle')}
          description={t(`auth.invite.unverified.${unverified}`, names)}
          data-testid="invite-unverified"
        />
      )}
      <Form layout="vertical" onFinish={submit} requiredMark={false} data-testid="invite-form" key={mode}>
        {mode === 'existing' ? (
          <Form.Item
            name="password"
            label={t('auth.invite.yourPassword')}
            extra={t('auth.invite.yourPasswordHint', names)}
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
        {mode === 'existing' && (
          <div className="yt-auth__foot">
            <Button type="link" size="small" onClick={() => setForgot(true)} data-testid="forgot-password">
              {t('auth.signIn.forgot')}
            </Button>
          </div>
        )}
      </Form>
      <ForgotPasswordModal
        open={forgot}
        onClose={() => setForgot(false)}
        email={invite.email}
        invitation={token}
      />
    </AuthLayout>
  );
}
