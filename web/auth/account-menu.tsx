import DownOutlined from '@ant-design/icons/es/icons/DownOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import UserOutlined from '@ant-design/icons/es/icons/UserOutlined';
import { App, Button, Dropdown, Form, Input, Modal, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi } from './auth-api';
import { authErrorText } from './auth-errors';
import { EmailModal } from './email-modal';
import { useCan, useSession } from './session';
import { SessionsModal } from './sessions-modal';
import { PasswordFields } from './setup-page';

/** The header's right side: the workspace (switch, create) and the person (password, sessions, email, sign out). */
export function AccountMenu() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { session, setSession, reload } = useSession();
  const canCreate = useCan('workspaces.create');
  const [creating, setCreating] = useState(false);
  const [changing, setChanging] = useState(false);
  const [sessions, setSessions] = useState(false);
  const [email, setEmail] = useState(false);

  const switchTo = async (id: string) => {
    try {
      setSession(await authApi.switchWorkspace(id));
      window.location.hash = '#/journeys';
    } catch (e) {
      message.error(authErrorText(t, e));
    }
  };

  return (
    <Space size={8} className="yt-account">
      <Select
        size="small"
        value={session.workspace?.id}
        onChange={(id) => void switchTo(id)}
        data-testid="workspace-switch"
        popupMatchSelectWidth={false}
        style={{ minWidth: 140 }}
        options={session.workspaces.map((w) => ({ value: w.id, label: w.name }))}
        popupRender={(menu) => (
          <>
            {menu}
            {canCreate && (
              <Button type="link" size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t('account.newWorkspace')}
              </Button>
            )}
          </>
        )}
      />
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            { key: 'who', disabled: true, label: <span className="yt-muted">{session.user?.email}</span> },
            { type: 'divider' },
            { key: 'password', label: t('account.changePassword') },
            { key: 'sessions', label: <span data-testid="my-sessions">{t('account.sessions.title')}</span> },
            { key: 'email', label: <span data-testid="my-email">{t('account.email.title')}</span> },
            { key: 'signOut', label: <span data-testid="sign-out">{t('auth.signOut')}</span> },
          ],
          onClick: ({ key }) => {
            if (key === 'password') setChanging(true);
            if (key === 'sessions') setSessions(true);
            if (key === 'email') setEmail(true);
            if (key === 'signOut') void authApi.signOut().finally(reload);
          },
        }}
      >
        <Button type="text" size="small" data-testid="account-menu">
          <UserOutlined />
          <span className="yt-account__name">{session.user?.name || session.user?.email}</span>
          {session.role && <Tag data-testid="my-role">{t(`role.${session.role}.name`)}</Tag>}
          <DownOutlined />
        </Button>
      </Dropdown>
      <CreateWorkspaceModal open={creating} onClose={() => setCreating(false)} onCreated={switchTo} />
      <ChangePasswordModal open={changing} onClose={() => setChanging(false)} />
      <SessionsModal open={sessions} onClose={() => setSessions(false)} onEndedMine={() => void reload()} />
      <EmailModal open={email} onClose={() => setEmail(false)} />
    </Space>
  );
}

function CreateWorkspaceModal(props: { open: boolean; onClose(): void; onCreated(id: string): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    // a refused validation shows under its field; it must not escape as an uncaught rejection
    const checked = await form.validateFields().catch(() => null);
    if (!checked) return;
    const { name } = checked;
    setBusy(true);
    try {
      const { workspace } = await authApi.createWorkspace(name);
      form.resetFields();
      props.onClose();
      message.success(t('account.workspaceCreated', { name: workspace.name }));
      props.onCreated(workspace.id);
    } catch (e) {
      message.error(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('account.newWorkspace')}
      onCancel={props.onClose}
      onOk={() => void submit()}
      confirmLoading={busy}
      okText={t('account.create')}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item
          name="name"
          label={t('account.workspaceName')}
          extra={t('account.workspaceHint')}
          rules={[{ required: true, whitespace: true, max: 100, message: t('account.workspaceName') }]}
        >
          <Input autoFocus data-testid="workspace-name" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ChangePasswordModal(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    // a refused validation shows under its field; it must not escape as an uncaught rejection
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      await authApi.changePassword({ currentPassword: v.currentPassword, newPassword: v.newPassword });
      form.resetFields();
      props.onClose();
      message.success(t('account.passwordChanged'));
    } catch (e) {
      message.error(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('account.changePassword')}
      onCancel={props.onClose}
      onOk={() => void submit()}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item
          name="currentPassword"
          label={t('account.currentPassword')}
          rules={[{ required: true, message: t('auth.rule.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <PasswordFields prefix="change" name="newPassword" />
        <div className="yt-muted">{t('account.otherSessionsEnd')}</div>
      </Form>
    </Modal>
  );
}
