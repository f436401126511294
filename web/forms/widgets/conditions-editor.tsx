import DeleteOutlined from '@ant-design/icons/es/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { Button, Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { newItemId } from '../schema-fields';
import { TagPicker } from './tag-picker';

interface Cond {
  id: string;
  label: string;
  when: { kind: string; op?: string; tag?: string; key?: string; value?: unknown };
}

const ATTR_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists'];

/** Parses typed text into what the member attribute most likely holds: a number, a boolean or text. */
export function parseScalar(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text.trim() !== '' && !Number.isNaN(Number(text))) return Number(text);
  return text;
}

/** Branch conditions, in order: each row is one output (its label shows on the canvas), else comes last. */
export function ConditionsEditor({
  value,
  onChange,
  disabled,
  testId,
}: {
  value: Cond[] | undefined;
  onChange(v: Cond[]): void;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const rows = value ?? [];
  const update = (i: number, patch: Partial<Cond>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const setWhen = (i: number, when: Cond['when']) => update(i, { when });
  return (
    <div className="yt-rows" data-testid={testId}>
      {rows.map((r, i) => (
        <div className="yt-cond" key={r.id}>
          <div className="yt-row">
            <Input
              value={r.label}
              onChange={(e) => update(i, { label: e.target.value })}
              placeholder={t('form.branchLabel')}
              disabled={disabled}
              data-testid={`${testId}-${i}-label`}
              style={{ flex: 1 }}
            />
            <Select
              value={r.when.kind}
              disabled={disabled}
              style={{ width: 110 }}
              onChange={(kind) =>
                setWhen(
                  i,
                  kind === 'tag' ? { kind, op: 'has', tag: '' } : { kind, key: '', op: 'eq', value: '' },
                )
              }
              options={[
                { value: 'tag', label: t('cond.tag') },
                { value: 'attribute', label: t('cond.attribute') },
              ]}
            />
            {!disabled && (
              <Button
                type="text"
                icon={<DeleteOutlined />}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
                aria-label={t('form.remove')}
              />
            )}
          </div>
          {r.when.kind === 'tag' ? (
            <div className="yt-row">
              <Select
                value={r.when.op}
                disabled={disabled}
                style={{ width: 110 }}
                onChange={(op) => setWhen(i, { ...r.when, op })}
                options={['has', 'has_not'].map((o) => ({ value: o, label: t(`op.${o}`) }))}
              />
              <div style={{ flex: 1 }}>
                <TagPicker
                  multiple={false}
                  value={r.when.tag}
                  onChange={(tag) => setWhen(i, { ...r.when, tag: tag as string })}
                  disabled={disabled}
                  testId={`${testId}-${i}-tag`}
                />
              </div>
            </div>
          ) : r.when.kind === 'attribute' ? (
            <div className="yt-row">
              <Input
                value={r.when.key}
                placeholder={t('form.attributeKey')}
                disabled={disabled}
                onChange={(e) => setWhen(i, { ...r.when, key: e.target.value })}
                style={{ flex: 1 }}
              />
              <Select
                value={r.when.op}
                disabled={disabled}
                style={{ width: 96 }}
                onChange={(op) => setWhen(i, { ...r.when, op })}
                options={ATTR_OPS.map((o) => ({ value: o, label: t(`op.${o}`) }))}
              />
              {r.when.op !== 'exists' && (
                <Input
                  value={r.when.value === undefined ? '' : String(r.when.value)}
                  placeholder={t('form.value')}
                  disabled={disabled}
                  onChange={(e) => setWhen(i, { ...r.when, value: parseScalar(e.target.value) })}
                  style={{ flex: 1 }}
                />
              )}
            </div>
          ) : (
            <div className="yt-muted">{t('form.advancedCondition')}</div>
          )}
        </div>
      ))}
      {!disabled && (
        <Button
          icon={<PlusOutlined />}
          size="small"
          data-testid={`${testId}-add`}
          onClick={() =>
            onChange([
              ...rows,
              {
                id: newItemId(
                  'c',
                  rows.map((r) => r.id),
                ),
                label: t('form.branchDefault', { n: rows.length + 1 }),
                when: { kind: 'tag', op: 'has', tag: '' },
              },
            ])
          }
        >
          {t('form.addCondition')}
        </Button>
      )}
      <div className="yt-muted">{t('form.elseHint')}</div>
    </div>
  );
}
