import type { ButtonProps } from 'antd';
import { Alert, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JourneyDetail } from '../api/types';

/** Publishing makes a new immutable version; running members keep the version they started on. */
export function PublishModal({
  open,
  journey,
  onCancel,
  onPublish,
}: {
  open: boolean;
  journey: JourneyDetail;
  onCancel(): void;
  onPublish(note: string): Promise<void>;
}) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const next = (journey.currentVersion ?? 0) + 1;
  return (
    <Modal
      open={open}
      title={t('publish.title', { version: next })}
      okText={t('publish.ok')}
      onCancel={onCancel}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'publish-confirm' } as ButtonProps}
      onOk={async () => {
        setBusy(true);
        try {
          await onPublish(note.trim());
          setNote('');
        } finally {
          setBusy(false);
        }
      }}
    >
      {journey.currentVersion !== null && (
        <Alert
          type="info"
          showIcon
          className="yt-mb"
          title={t('publish.runningKeep', { version: journey.currentVersion })}
        />
      )}
      <Input.TextArea
        value={note}
        onChange={(e) => setNote(e.target.value)}
        placeholder={t('publish.notePlaceholder')}
        autoSize={{ minRows: 2, maxRows: 5 }}
        maxLength={200}
        data-testid="publish-note"
      />
    </Modal>
  );
}
