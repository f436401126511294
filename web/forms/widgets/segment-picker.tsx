import ExportOutlined from '@ant-design/icons/es/icons/ExportOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { Button, Select, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { rulesInWords } from '../../audiences/rule-words';
import { useCan } from '../../auth/session';
import { useLang } from '../../i18n';
import { useCatalog } from '../../shell/catalog';
import { paths } from '../../shell/router';
import type { WidgetProps } from './widget-props';

/**
 * An audience: search the saved ones by name (each with its member count and rule in words), or create one
 * in a new tab — the list is fetched again when it opens, so the new audience is there on return.
 */
export function SegmentPicker({
  value,
  onChange,
  disabled,
  testId,
  exclude,
}: WidgetProps<string> & { exclude?: string }) {
  const { t } = useTranslation();
  const { lang } = useLang();
  const { segments, refreshSegments } = useCatalog();
  const canCreate = useCan('audiences.edit');
  const names = new Map(segments.map((s) => [s.id, s.name]));
  const options = segments
    .filter((s) => s.id !== exclude)
    .map((s) => ({
      value: s.id,
      label: s.name,
      title: rulesInWords(s.rule, { lang, segmentName: (id) => names.get(id) }),
      count: s.members,
    }));
  // an id no longer in the list (deleted, or past the first 500) still shows as something
  if (value && !names.has(value))
    options.push({ value, label: t('audiences.unknown'), title: value, count: 0 });
  return (
    <div className="yt-row" style={{ width: '100%' }}>
      <Select
        value={value || undefined}
        onChange={onChange}
        disabled={disabled}
        placeholder={t('audiences.pick')}
        showSearch={{ optionFilterProp: 'label' }}
        onOpenChange={(open) => open && refreshSegments()}
        options={options}
        optionRender={(o) => (
          <div className="yt-segment-option">
            <span>{o.data.label}</span>
            <span className="yt-muted"> · {t('audiences.count', { count: o.data.count })}</span>
            <div className="yt-muted yt-ellipsis">{o.data.title}</div>
          </div>
        )}
        data-testid={testId}
        style={{ flex: 1, minWidth: 0 }}
      />
      {value && names.has(value) && (
        <Tooltip title={t('audiences.open')}>
          <Button href={paths.audience(value)} target="_blank" icon={<ExportOutlined />} />
        </Tooltip>
      )}
      {!disabled && canCreate && (
        <Tooltip title={t('audiences.newInTab')}>
          <Button
            href={paths.audience('new')}
            target="_blank"
            icon={<PlusOutlined />}
            data-testid={`${testId}-new`}
          />
        </Tooltip>
      )}
    </div>
  );
}
