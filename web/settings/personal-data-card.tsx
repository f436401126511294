import { Card, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * 个人信息: which member attributes are personal data. Roles without personal-data access (viewers, guides)
 * see them masked in every answer and message preview; phones, emails, WeChat ids, ID numbers and addresses
 * are masked anyway, under any spelling, so the list is for the brand's own attributes (birthday…).
 */
export function PersonalDataCard({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange(next: string[]): void;
  error?: string;
}) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={t('settings.personalData')} className="yt-settings__card">
      <Typography.Paragraph type="secondary">{t('settings.personalDataHelp')}</Typography.Paragraph>
      <div className="yt-settings__field">
        <Select
          mode="tags"
          value={value}
          onChange={(next: string[]) => onChange(next.map((k) => k.trim()).filter(Boolean))}
          tokenSeparators={[',', '，', ' ']}
          open={false}
          suffixIcon={null}
          placeholder={t('settings.personalDataPlaceholder')}
          status={error ? 'error' : undefined}
          style={{ width: '100%', maxWidth: 640 }}
          data-testid="settings-personal-attributes"
        />
        {error && (
          <div className="yt-error-text yt-settings__error" data-testid="settings-error-personalAttributes">
            {error}
          </div>
        )}
      </div>
    </Card>
  );
}
