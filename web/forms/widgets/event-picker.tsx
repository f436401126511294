import { AutoComplete, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCatalog } from '../../shell/catalog';
import type { WidgetProps } from './widget-props';

/**
 * Event name: free text with suggestions from the events the workspace has received, most frequent first, each
 * with its count. A name never received is allowed (the first event may come after publishing) but warned
 * about: the issue saw "7" saved as a goal.
 */
export function EventPicker({ value, onChange, disabled, testId }: WidgetProps<string>) {
  const { t } = useTranslation();
  const { events, eventCounts, loaded } = useCatalog();
  const q = (value ?? '').toLowerCase();
  const label = (e: string) => {
    const display = t(`events.${e}`, { defaultValue: '' });
    const n = eventCounts.get(e) ?? 0;
    return (
      <div className="yt-event-option">
        <span>
          {e}
          {display && <Typography.Text type="secondary"> · {display}</Typography.Text>}
        </span>
        <Typography.Text type="secondary" className="yt-event-option__count">
          {n ? t('eventPicker.count', { count: n }) : t('eventPicker.notSeen')}
        </Typography.Text>
      </div>
    );
  };
  const options = events
    .filter((e) => e.toLowerCase().includes(q))
    .map((e) => ({ value: e, label: label(e) }));
  const name = (value ?? '').trim();
  const unseen = loaded && name !== '' && !eventCounts.get(name);
  return (
    <div style={{ width: '100%' }}>
      <AutoComplete
        value={value ?? ''}
        options={options}
        onChange={(v) => onChange(v)}
        disabled={disabled}
        placeholder={t('form.eventPlaceholder')}
        style={{ width: '100%' }}
        status={unseen ? 'warning' : undefined}
        data-testid={testId}
      />
      {unseen && (
        <Typography.Text type="warning" className="yt-field-hint" data-testid={`${testId}-unseen`}>
          {t('eventPicker.unseen', { name })}
        </Typography.Text>
      )}
    </div>
  );
}
