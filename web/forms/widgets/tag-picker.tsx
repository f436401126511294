import { AutoComplete, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCatalog } from '../../shell/catalog';

/** Tags: pick existing ones or type new ones (Enter to add). */
export function TagPicker({
  value,
  onChange,
  disabled,
  testId,
  multiple = true,
}: {
  value: string[] | string | undefined;
  onChange(v: string[] | string): void;
  disabled?: boolean;
  testId: string;
  multiple?: boolean;
}) {
  const { t } = useTranslation();
  const { tags, tagMembers } = useCatalog();
  // existing tags first (most held first), each with how many members hold it
  const options = tags.map((tag) => ({
    value: tag,
    label: (
      <span className="yt-event-option">
        <span>{tag}</span>
        <span className="yt-event-option__count">
          {t('tagPicker.members', { count: tagMembers.get(tag) ?? 0 })}
        </span>
      </span>
    ),
  }));
  if (!multiple)
    return (
      <AutoComplete
        value={(value as string) ?? ''}
        onChange={(v) => onChange(v)}
        options={options.filter((o) => o.value.includes((value as string) ?? ''))}
        notFoundContent={null}
        disabled={disabled}
        placeholder={t('form.tagPlaceholder')}
        data-testid={testId}
        style={{ width: '100%' }}
      />
    );
  return (
    <Select
      mode="tags"
      value={(value as string[]) ?? []}
      onChange={(v) => onChange(v)}
      options={options}
      disabled={disabled}
      placeholder={t('form.tagsPlaceholder')}
      tokenSeparators={[',', '，']}
      optionFilterProp="value"
      labelRender={(p) => String(p.value)}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}
