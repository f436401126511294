import { Alert, App, type ButtonProps, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, api } from '../api/client';
import { navigate, paths } from '../shell/router';

/**
 * Erase a member (个人信息保护法): says what goes and what stays, and asks for the member id typed again —
 * the API refuses an erase without it too.
 */
export function MemberEraseModal({ externalId, onClose }: { externalId: string; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const erase = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.eraseMember(externalId, typed);
      message.success(r.alreadyErased ? t('member.erasedBefore') : t('member.erased', { runs: r.runsEnded }));
      onClose();
      navigate(paths.member());
    } catch (e) {
      setError((e as ApiError).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('member.eraseTitle', { id: externalId })}
      okText={t('member.eraseConfirm')}
      cancelText={t('common.cancel')}
      okButtonProps={
        { danger: true, disabled: typed !== externalId, 'data-testid': 'erase-confirm' } as ButtonProps
      }
      confirmLoading={busy}
      onOk={erase}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('member.eraseWhat')}</Typography.Paragraph>
      <Typography.Paragraph strong>{t('member.eraseType', { id: externalId })}</Typography.Paragraph>
      <Input
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        placeholder={externalId}
        autoComplete="off"
        data-testid="erase-typed"
        onPressEnter={() => typed === externalId && erase()}
      />
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} />}
    </Modal>
  );
}
