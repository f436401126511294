import { InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { JsonSchema } from '../../api/types';

interface Duration {
  amount?: number;
  unit?: string;
}

/** amount + unit; the units come from the schema's enum. */
export function DurationInput({
  value,
  onChange,
  schema,
  disabled,
  testId,
}: {
  value: Duration | undefined;
  onChange(v: Duration): void;
  schema: JsonSchema;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const units = ((schema.properties?.unit?.enum as string[] | undefined) ?? ['minutes', 'hours', 'days']).map(
    (u) => ({
      value: u,
      label: t(`enum.${u}`, { defaultValue: u }),
    }),
  );
  const v = value ?? {};
  return (
    <Space.Compact className="yt-duration" data-testid={testId}>
      <InputNumber
        min={1}
        precision={0}
        value={v.amount}
        disabled={disabled}
        onChange={(amount) => onChange({ ...v, amount: amount ?? undefined })}
        data-testid={`${testId}-amount`}
        style={{ width: 110 }}
      />
      <Select
        value={v.unit}
        disabled={disabled}
        options={units}
        onChange={(unit) => onChange({ ...v, unit })}
        data-testid={`${testId}-unit`}
        style={{ width: 100 }}
      />
    </Space.Compact>
  );
}
