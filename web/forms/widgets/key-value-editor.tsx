import DeleteOutlined from '@ant-design/icons/es/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { Button, Input } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseScalar } from './conditions-editor';

/** A record of attribute → value. Rows are kept locally so a half-typed key does not vanish. */
export function KeyValueEditor({
  value,
  onChange,
  disabled,
  testId,
  addLabel,
}: {
  value: Record<string, unknown> | undefined;
  onChange(v: Record<string, unknown>): void;
  disabled?: boolean;
  testId: string;
  /** the add button's words (default: 添加一行) */
  addLabel?: string;
}) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<[string, string][]>(() =>
    Object.entries(value ?? {}).map(([k, v]) => [k, String(v)]),
  );
  useEffect(() => {
    const incoming = Object.entries(value ?? {}).map(([k, v]) => [k, String(v)] as [string, string]);
    setRows((cur) => (JSON.stringify(cur.filter(([k]) => k)) === JSON.stringify(incoming) ? cur : incoming));
  }, [value]);
  const commit = (next: [string, string][]) => {
    setRows(next);
    onChange(Object.fromEntries(next.filter(([k]) => k.trim()).map(([k, v]) => [k.trim(), parseScalar(v)])));
  };
  return (
    <div className="yt-rows" data-testid={testId}>
      {rows.map(([k, v], i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
        <div className="yt-row" key={i}>
          <Input
            value={k}
            placeholder={t('form.attributeKey')}
            disabled={disabled}
            onChange={(e) => commit(rows.map((r, j) => (j === i ? [e.target.value, r[1]] : r)))}
          />
          <Input
            value={v}
            placeholder={t('form.value')}
            disabled={disabled}
            onChange={(e) => commit(rows.map((r, j) => (j === i ? [r[0], e.target.value] : r)))}
          />
          {!disabled && (
            <Button
              type="text"
              icon={<DeleteOutlined />}
              aria-label={t('form.remove')}
              onClick={() => commit(rows.filter((_, j) => j !== i))}
            />
          )}
        </div>
      ))}
      {!disabled && (
        <Button size="small" icon={<PlusOutlined />} onClick={() => setRows([...rows, ['', '']])}>
          {addLabel ?? t('form.addRow')}
        </Button>
      )}
    </div>
  );
}
