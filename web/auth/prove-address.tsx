import { Button, List, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { authApi, type MailOutcome } from './auth-api';
import { authErrorText } from './auth-errors';

/**
 * Workspaces to prove your address to, each with "send me the link": the mail goes through that workspace's own
 * email, and what became of it is said on the row (sent, no email channel there, failed).
 */
export function ProveAddress({
  workspaces,
}: {
  /** `waiting`: a suspended membership, back once the address is proven there */
  workspaces: { id: string; name: string; waiting?: boolean }[];
}) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<Record<string, MailOutcome | string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const send = async (id: string) => {
    setBusy(id);
    try {
      const { mailOutcome } = await authApi.requestVerification(id);
      setOutcome((o) => ({ ...o, [id]: mailOutcome }));
    } catch (e) {
      setOutcome((o) => ({ ...o, [id]: authErrorText(t, e) }));
    } finally {
      setBusy(null);
    }
  };
  const said = (v: MailOutcome | string) =>
    v === 'sent' || v === 'not_configured' || v === 'failed' ? t(`auth.prove.${v}`) : v;
  return (
    <List
      size="small"
      bordered
      className="yt-prove"
      dataSource={workspaces}
      data-testid="prove-address"
      renderItem={(w) => (
        <List.Item
          actions={[
            <Button
              key="send"
              size="small"
              loading={busy === w.id}
              onClick={() => void send(w.id)}
              data-testid={`prove-${w.id}`}
            >
              {t('auth.prove.send')}
            </Button>,
          ]}
        >
          <div>
            <div>
              {w.name}
              {w.waiting && (
                <Tag color="orange" style={{ marginLeft: 8 }}>
                  {t('auth.prove.waiting')}
                </Tag>
              )}
            </div>
            {outcome[w.id] && (
              <Tag color={outcome[w.id] === 'sent' ? 'green' : 'orange'} className="yt-wrap">
                {said(outcome[w.id])}
              </Tag>
            )}
          </div>
        </List.Item>
      )}
    />
  );
}
