import SettingOutlined from '@ant-design/icons/es/icons/SettingOutlined';
import { Button, Select, Tooltip } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { SecretView } from '../../api/types';
import { useCan } from '../../auth/session';
import { paths } from '../../shell/router';
import type { WidgetProps } from './widget-props';

/**
 * A workspace secret, by name (a webhook's signing key): the names come from settings → 密钥; the value is never
 * in the journey. Admins get a link to add one (in a new tab; the list is fetched again when it opens).
 */
export function SecretPicker({ value, onChange, disabled, testId }: WidgetProps<string>) {
  const { t } = useTranslation();
  const canManage = useCan('secrets.manage');
  const [secrets, setSecrets] = useState<SecretView[]>([]);
  const load = useCallback(() => api.secrets().then(setSecrets, () => setSecrets([])), []);
  useEffect(() => {
    void load();
  }, [load]);
  const options = secrets.map((s) => ({ value: s.name, label: s.name }));
  // a name the workspace does not have (deleted, or from an old journey): shown, and publishing says so
  if (value && !secrets.some((s) => s.name === value))
    options.push({ value, label: t('secrets.missing', { name: value }) });
  return (
    <div className="yt-row" style={{ width: '100%' }}>
      <Select
        value={value || undefined}
        onChange={onChange}
        disabled={disabled}
        placeholder={t('secrets.pick')}
        showSearch={{ optionFilterProp: 'label' }}
        onOpenChange={(open) => open && void load()}
        options={options}
        notFoundContent={t('secrets.noneYet')}
        data-testid={testId}
        style={{ flex: 1, minWidth: 0 }}
      />
      {!disabled && canManage && (
        <Tooltip title={t('secrets.manage')}>
          <Button href={paths.settings()} target="_blank" icon={<SettingOutlined />} />
        </Tooltip>
      )}
    </div>
  );
}
