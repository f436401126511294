import { AutoComplete } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCatalog } from '../../shell/catalog';
import type { WidgetProps } from './widget-props';

/** Event name: free text with suggestions from the events the workspace has seen. */
export function EventPicker({ value, onChange, disabled, testId }: WidgetProps<string>) {
  const { t } = useTranslation();
  const { events } = useCatalog();
  const q = (value ?? '').toLowerCase();
  const options = events
    .filter((e) => e.toLowerCase().includes(q))
    .map((e) => ({
      value: e,
      label: t(`events.${e}`, { defaultValue: '' }) ? `${e} · ${t(`events.${e}`)}` : e,
    }));
  return (
    <AutoComplete
      value={value ?? ''}
      options={options}
      onChange={(v) => onChange(v)}
      disabled={disabled}
      placeholder={t('form.eventPlaceholder')}
      style={{ width: '100%' }}
      data-testid={testId}
    />
  );
}
