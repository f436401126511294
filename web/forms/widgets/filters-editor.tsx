import DeleteOutlined from '@ant-design/icons/es/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { Button, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { parseScalar } from './conditions-editor';

interface Filter {
  property: string;
  op: string;
  value?: unknown;
}

/** Event property filters, e.g. `amount ≥ 100`. All must match. */
export function FiltersEditor({
  value,
  onChange,
  ops,
  disabled,
  testId,
}: {
  value: Filter[] | undefined;
  onChange(v: Filter[] | undefined): void;
  ops: string[];
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const rows = value ?? [];
  const update = (i: number, patch: Partial<Filter>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="yt-rows" data-testid={testId}>
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; order is their identity
        <div className="yt-row" key={i}>
          <Input
            value={r.property}
            placeholder={t('form.property')}
            disabled={disabled}
            onChange={(e) => update(i, { property: e.target.value })}
            style={{ flex: 1 }}
          />
          <Select
            value={r.op}
            disabled={disabled}
            style={{ width: 96 }}
            onChange={(op) => update(i, { op })}
            options={ops.map((o) => ({ value: o, label: t(`op.${o}`, { defaultValue: o }) }))}
          />
          {r.op !== 'exists' && (
            <Input
              value={r.value === undefined ? '' : String(r.value)}
              placeholder={t('form.value')}
              disabled={disabled}
              onChange={(e) => update(i, { value: parseScalar(e.target.value) })}
              style={{ flex: 1 }}
            />
          )}
          {!disabled && (
            <Button
              type="text"
              icon={<DeleteOutlined />}
              aria-label={t('form.remove')}
              onClick={() => {
                const next = rows.filter((_, j) => j !== i);
                onChange(next.length ? next : undefined);
              }}
            />
          )}
        </div>
      ))}
      {!disabled && (
        <Button
          size="small"
          icon={<PlusOutlined />}
          onClick={() => onChange([...rows, { property: '', op: ops[0] ?? 'eq', value: '' }])}
        >
          {t('form.addFilter')}
        </Button>
      )}
    </div>
  );
}
