import UserAddOutlined from '@ant-design/icons/es/icons/UserAddOutlined';
import {
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi, type Invitation, ROLE_OPTIONS, type Role, type WorkspaceUser } from '../auth/auth-api';
import { authErrorText } from '../auth/auth-errors';
import { useSession } from '../auth/session';
import { formatTime } from '../shell/format';
import { useAsync } from '../shell/use-async';
import { ShownOnce } from './shown-once';

/** Admins: who is in the workspace with which role, open invitations, and inviting someone. */
export function UsersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { session, reload: reloadSession } = useSession();
  const list = useAsync(() => authApi.users(), []);
  const [inviting, setInviting] = useState(false);

  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      message.success(done);
      list.reload();
      // my own role may have changed
      void reloadSession();
    } catch (e) {
      message.error(authErrorText(t, e));
    }
  };
  const roleOptions = ROLE_OPTIONS.map((r) => ({ value: r, label: t(`role.${r}.name`) }));

  return (
    <div className="yt-page">
      <div className="yt-page__head">
        <div>
          <Typography.Title level={3}>{t('users.title')}</Typography.Title>
          <Typography.Text type="secondary">
            {t('users.subtitle', { workspace: session.workspace?.name })}
          </Typography.Text>
        </div>
        <Button
          type="primary"
          icon={<UserAddOutlined />}
          onClick={() => setInviting(true)}
          data-testid="invite-user"
        >
          {t('users.invite')}
        </Button>
      </div>
      <Card size="small" title={t('users.members')}>
        <Table<WorkspaceUser>
          rowKey="id"
          size="small"
          pagination={false}
          loading={list.loading && !list.data}
          dataSource={list.data?.users ?? []}
          data-testid="users-table"
          columns={[
            {
              title: t('users.col.user'),
              render: (_, u) => (
                <div>
                  <div>
                    {u.name || u.email}
                    {u.suspended && (
                      <Tooltip title={t('users.suspendedHint')}>
                        <Tag color="orange" style={{ marginLeft: 8 }} data-testid={`suspended-${u.email}`}>
                          {t('users.suspended')}
                        </Tag>
                      </Tooltip>
                    )}
                  </div>
                  {u.name && <div className="yt-muted">{u.email}</div>}
                </div>
              ),
            },
            {
              title: t('users.col.role'),
              width: 200,
              render: (_, u) => (
                <Select
                  size="small"
                  value={u.role as Role}
                  style={{ width: 140 }}
                  options={roleOptions}
                  data-testid={`role-${u.email}`}
                  onChange={(role: Role) =>
                    void act(() => authApi.setRole(u.id, role), t('users.roleChanged'))
                  }
                />
              ),
            },
            { title: t('users.col.joined'), dataIndex: 'joinedAt', width: 180, render: formatTime },
            {
              title: t('users.col.actions'),
              width: 120,
              render: (_, u) =>
                u.id === session.user?.id ? (
                  <Tag>{t('users.you')}</Tag>
                ) : (
                  <Popconfirm
                    title={t('users.removeConfirm', { email: u.email })}
                    onConfirm={() => void act(() => authApi.removeUser(u.id), t('users.removed'))}
                  >
                    <Button type="link" size="small" danger>
                      {t('users.remove')}
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      </Card>
      {(list.data?.invitations.length ?? 0) > 0 && (
        <Card size="small" title={t('users.invitations')} style={{ marginTop: 16 }}>
          <Table<Invitation>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={list.data?.invitations ?? []}
            columns={[
              { title: t('auth.field.email'), dataIndex: 'email' },
              { title: t('users.col.role'), dataIndex: 'role', render: (r: Role) => t(`role.${r}.name`) },
              {
                title: t('users.col.invitedBy'),
                dataIndex: 'invitedBy',
                render: (v: string | null) => v ?? '—',
              },
              { title: t('users.col.expires'), dataIndex: 'expiresAt', render: formatTime },
              {
                title: t('users.col.actions'),
                width: 120,
                render: (_, i) => (
                  <Button
                    type="link"
                    size="small"
                    danger
                    onClick={() => void act(() => authApi.revokeInvitation(i.id), t('users.inviteRevoked'))}
                  >
                    {t('users.revokeInvite')}
                  </Button>
                ),
              },
            ]}
          />
        </Card>
      )}
      <Card size="small" title={t('users.roles')} style={{ marginTop: 16 }}>
        <Space direction="vertical" size={4}>
          {ROLE_OPTIONS.map((r) => (
            <div key={r}>
              <Tag>{t(`role.${r}.name`)}</Tag>
              <span className="yt-muted">{t(`role.${r}.what`)}</span>
            </div>
          ))}
        </Space>
      </Card>
      <InviteModal open={inviting} onClose={() => setInviting(false)} onInvited={list.reload} />
    </div>
  );
}

function InviteModal(props: { open: boolean; onClose(): void; onInvited(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ email: string; role: Role }>();
  const [busy, setBusy] = useState(false);
  const [link, setLink] = useState<string | null>(null);

  const close = () => {
    setLink(null);
    form.resetFields();
    props.onClose();
  };
  const submit = async () => {
    // a refused validation shows under its field; it must not escape as an uncaught rejection
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      const r = await authApi.invite(v);
      props.onInvited();
      setLink(`${window.location.origin}${r.path}`);
    } catch (e) {
      message.error(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={t('users.invite')}
      onCancel={close}
      destroyOnHidden
      footer={
        link ? (
          <Button type="primary" onClick={close} data-testid="invite-done">
            {t('common.done')}
          </Button>
        ) : (
          <Space>
            <Button onClick={close}>{t('common.cancel')}</Button>
            <Button type="primary" loading={busy} onClick={() => void submit()} data-testid="invite-submit">
              {t('users.sendInvite')}
            </Button>
          </Space>
        )
      }
    >
      {link ? (
        <ShownOnce
          value={link}
          notice={{ type: 'success', title: t('users.linkTitle'), hint: t('users.linkHint') }}
          testId="invite-link"
        />
      ) : (
        <Form form={form} layout="vertical" requiredMark={false} initialValues={{ role: 'marketer' }}>
          <Form.Item
            name="email"
            label={t('auth.field.email')}
            rules={[{ required: true, type: 'email', message: t('auth.rule.email') }]}
          >
            <Input autoFocus data-testid="invite-email" />
          </Form.Item>
          <Form.Item name="role" label={t('users.col.role')}>
            <Select
              data-testid="invite-role"
              options={ROLE_OPTIONS.map((r) => ({
                value: r,
                label: (
                  <div>
                    <div>{t(`role.${r}.name`)}</div>
                    <div className="yt-muted yt-wrap">{t(`role.${r}.what`)}</div>
                  </div>
                ),
              }))}
              labelRender={({ value }) => t(`role.${value}.name`)}
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
