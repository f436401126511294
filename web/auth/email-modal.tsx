import { Modal, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ProveAddress } from './prove-address';
import { useSession } from './session';

/**
 * Your address and its proofs: a link mailed through a workspace's own email proves it to that workspace (whose
 * admins chose that mail server); workspaces waiting for a proof after a password reset elsewhere are listed too.
 */
export function EmailModal(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const workspaces = [
    ...session.workspaces.map((w) => ({ id: w.id, name: w.name })),
    ...session.suspendedWorkspaces.map((w) => ({ ...w, waiting: true })),
  ];
  return (
    <Modal
      open={props.open}
      title={t('account.email.title')}
      onCancel={props.onClose}
      footer={null}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <div>
          <Typography.Text strong>{session.user?.email}</Typography.Text>
          <Tag
            color={session.user?.emailVerified ? 'green' : 'default'}
            style={{ marginLeft: 8 }}
            data-testid="email-verified"
          >
            {t(session.user?.emailVerified ? 'account.email.verified' : 'account.email.unverified')}
          </Tag>
        </div>
        <div className="yt-muted">{t('account.email.hint')}</div>
        <ProveAddress workspaces={workspaces} />
      </Space>
    </Modal>
  );
}
