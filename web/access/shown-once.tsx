import CopyOutlined from '@ant-design/icons/es/icons/CopyOutlined';
import { Alert, App, Button, Input, Space } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A value the server shows only once (a new API key, an invitation link): a notice, the value ready to select,
 * a copy button, and what to do with it. Used where the modal switches from its form to the result.
 */
export function ShownOnce(props: {
  value: string;
  notice: { type: 'warning' | 'success'; title: string; hint: string };
  testId: string;
  mono?: boolean;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      message.success(t('common.copied'));
    } catch {
      message.info(t('common.copyByHand'));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert type={props.notice.type} showIcon message={props.notice.title} description={props.notice.hint} />
      <Space.Compact style={{ width: '100%' }}>
        <Input
          readOnly
          value={props.value}
          className={props.mono ? 'yt-mono' : undefined}
          data-testid={props.testId}
          onFocus={(e) => e.target.select()}
        />
        <Button icon={<CopyOutlined />} onClick={() => void copy()}>
          {t('common.copy')}
        </Button>
      </Space.Compact>
      {props.children}
    </Space>
  );
}
