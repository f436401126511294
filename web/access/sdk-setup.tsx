import CopyOutlined from '@ant-design/icons/es/icons/CopyOutlined';
import { App, Button, Input, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * Shown with a new ingest key: where the brand's existing event SDKs point to send to Yutang (README: Event
 * SDKs) — Segment's host with this key as its write key, and Sensors Data's server URL with the key in it.
 */
export function SdkSetup(props: { secret: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const origin = window.location.origin;
  const sensorsUrl = `${origin}/sa?project=default&token=${encodeURIComponent(props.secret)}`;
  const copy = async (value: string) => {
    try {
      await navigator.clipboard.writeText(value);
      message.success(t('common.copied'));
    } catch {
      message.info(t('common.copyByHand'));
    }
  };
  const row = (label: string, value: string, testId: string) => (
    <div>
      <div className="yt-muted">{label}</div>
      <Space.Compact style={{ width: '100%' }}>
        <Input
          readOnly
          value={value}
          className="yt-mono"
          data-testid={testId}
          onFocus={(e) => e.target.select()}
        />
        <Button icon={<CopyOutlined />} onClick={() => void copy(value)} aria-label={t('common.copy')} />
      </Space.Compact>
    </div>
  );
  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 8 }} data-testid="sdk-setup">
      <Typography.Text strong>{t('keys.sdk.title')}</Typography.Text>
      {row(t('keys.sdk.segment'), origin, 'sdk-segment-host')}
      {row(t('keys.sdk.sensors'), sensorsUrl, 'sdk-sensors-url')}
      <div className="yt-muted">{t('keys.sdk.hint')}</div>
    </Space>
  );
}
