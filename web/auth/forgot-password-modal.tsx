import { Alert, type ButtonProps, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi } from './auth-api';
import { authErrorText } from './auth-errors';

/**
 * "Forgot password": asks for a reset link. The server answers the same whatever the address (nobody learns
 * here who has an account), so the page says what happens *if* there is one. From an invitation page the
 * invitation's token goes along: the link then comes through that workspace's own mail.
 */
export function ForgotPasswordModal(props: {
  open: boolean;
  onClose(): void;
  /** the address, when the page knows it (an invitation's) */
  email?: string;
  invitation?: string;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ email: string }>();
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setSent(null);
    setError(null);
    props.onClose();
  };
  const submit = async () => {
    if (sent) return close();
    // a refused validation shows under its field; it must not escape as an uncaught rejection
    const checked = await form.validateFields().catch(() => null);
    if (!checked) return;
    const { email } = checked;
    setBusy(true);
    setError(null);
    try {
      await authApi.requestReset({ email, invitation: props.invitation });
      setSent(email);
    } catch (e) {
      setError(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('auth.forgot.title')}
      onCancel={close}
      onOk={() => void submit()}
      okText={sent ? t('common.done') : t('auth.forgot.submit')}
      okButtonProps={{ 'data-testid': 'forgot-submit' } as ButtonProps}
      cancelButtonProps={sent ? { style: { display: 'none' } } : undefined}
      confirmLoading={busy}
      destroyOnHidden
    >
      {sent ? (
        <Alert
          type="success"
          showIcon
          message={t('auth.forgot.sentTitle')}
          description={t('auth.forgot.sent', { email: sent })}
          data-testid="forgot-sent"
        />
      ) : (
        <Form form={form} layout="vertical" requiredMark={false} initialValues={{ email: props.email }}>
          <div className="yt-muted yt-mb">{t('auth.forgot.hint')}</div>
          <Form.Item
            name="email"
            label={t('auth.field.email')}
            rules={[{ required: true, type: 'email', message: t('auth.rule.email') }]}
          >
            <Input autoFocus disabled={!!props.email} data-testid="forgot-email" />
          </Form.Item>
          {error && <Alert type="error" showIcon message={error} data-testid="forgot-error" />}
        </Form>
      )}
    </Modal>
  );
}
