import { App, Button, Modal, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../shell/format';
import { useAsync } from '../shell/use-async';
import { type AccountSession, authApi } from './auth-api';
import { authErrorText } from './auth-errors';

/** A short name for a browser from its User-Agent: enough to tell "the laptop" from "the phone". */
function deviceOf(ua: string | null): string {
  if (!ua) return '—';
  const browser = /(Edg|Chrome|Firefox|Safari|MicroMessenger|wxwork)\/[\d.]+/
    .exec(ua)?.[0]
    .replace(/\.[\d.]+$/, '');
  const system = /(Windows|Mac OS X|Android|iPhone|iPad|Linux)/.exec(ua)?.[1];
  return [browser, system].filter(Boolean).join(' · ') || ua.slice(0, 40);
}

/**
 * Where you are signed in (at most YUTANG_SESSIONS_PER_USER places; signing in beyond ends the least recently
 * used), each with "end". Ending this one signs you out.
 */
export function SessionsModal(props: { open: boolean; onClose(): void; onEndedMine(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useAsync(() => (props.open ? authApi.sessions() : Promise.resolve([])), [props.open]);
  const end = async (s: AccountSession) => {
    try {
      await authApi.endSession(s.id);
      if (s.current) props.onEndedMine();
      else {
        message.success(t('account.sessions.ended'));
        list.reload();
      }
    } catch (e) {
      message.error(authErrorText(t, e));
    }
  };
  return (
    <Modal
      open={props.open}
      title={t('account.sessions.title')}
      onCancel={props.onClose}
      footer={null}
      width={760}
      destroyOnHidden
    >
      <div className="yt-muted yt-mb">{t('account.sessions.hint')}</div>
      <Table<AccountSession>
        rowKey="id"
        size="small"
        pagination={false}
        loading={list.loading}
        dataSource={list.data ?? []}
        data-testid="sessions-table"
        columns={[
          {
            title: t('account.sessions.device'),
            render: (_, s) => (
              <span title={s.userAgent ?? ''}>
                {deviceOf(s.userAgent)}
                {s.current && (
                  <Tag color="blue" style={{ marginLeft: 8 }}>
                    {t('account.sessions.current')}
                  </Tag>
                )}
              </span>
            ),
          },
          {
            title: t('account.sessions.ip'),
            dataIndex: 'ip',
            width: 130,
            render: (v: string | null) => v ?? '—',
          },
          { title: t('account.sessions.signedIn'), dataIndex: 'createdAt', width: 170, render: formatTime },
          { title: t('account.sessions.lastSeen'), dataIndex: 'lastSeenAt', width: 170, render: formatTime },
          {
            title: '',
            width: 80,
            render: (_, s) => (
              <Button
                type="link"
                size="small"
                danger
                onClick={() => void end(s)}
                data-testid={`end-session-${s.id}`}
              >
                {t('account.sessions.end')}
              </Button>
            ),
          },
        ]}
      />
    </Modal>
  );
}
