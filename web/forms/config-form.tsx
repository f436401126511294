import DeleteOutlined from '@ant-design/icons/es/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { Button, Checkbox, Form, Input, InputNumber, Select, Switch, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { JsonSchema } from '../api/types';
import { useLang } from '../i18n';
import { type FormEnv, FormEnvContext, useFormEnv } from './form-context';
import { defaultFor, type FieldSpec, fieldsFor, humanize, newItemId, type UnionSpec } from './schema-fields';
import { ChannelContent } from './widgets/channel-content';
import { ConditionsEditor, parseScalar } from './widgets/conditions-editor';
import { CouponPicker } from './widgets/coupon-picker';
import { DateTimeInput } from './widgets/date-time-input';
import { DurationInput } from './widgets/duration-input';
import { EventPicker } from './widgets/event-picker';
import { FiltersEditor } from './widgets/filters-editor';
import { JsonInput } from './widgets/json-input';
import { KeyValueEditor } from './widgets/key-value-editor';
import { MessageBody } from './widgets/message-body';
import { SecretPicker } from './widgets/secret-picker';
import { SegmentPicker } from './widgets/segment-picker';
import { TagPicker } from './widgets/tag-picker';
import { TimeInput } from './widgets/time-input';
import { WeekdaysInput } from './widgets/weekdays-input';

const PRIMITIVE = new Set(['text', 'number', 'enum', 'boolean']);

/**
 * A node's config form, generated from its JSON Schema. Every node type, built-in or custom,
 * gets its form here; the widget for a field is chosen by `x-widget` or by the schema's shape.
 */
export function ConfigForm({
  schema,
  value,
  onChange,
  env,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange(v: Record<string, unknown>): void;
  env: Omit<FormEnv, 'config'>;
}) {
  const fields = fieldsFor(schema);
  const { t } = useTranslation();
  return (
    <FormEnvContext.Provider value={{ ...env, config: value }}>
      <Form layout="vertical" requiredMark="optional" className="yt-form" component="div">
        {fields.length === 0 && <div className="yt-muted">{t('form.noConfig')}</div>}
        <FieldList fields={fields} value={value} onChange={onChange} path="" />
      </Form>
    </FormEnvContext.Provider>
  );
}

export function FieldList({
  fields,
  value,
  onChange,
  path,
}: {
  fields: FieldSpec[];
  value: Record<string, unknown>;
  onChange(v: Record<string, unknown>): void;
  path: string;
}) {
  return (
    <>
      {fields
        .filter((f) => !f.autoId)
        .map((f) => (
          <FieldItem
            key={f.key}
            field={f}
            path={path ? `${path}.${f.key}` : f.key}
            value={value?.[f.key]}
            onChange={(v) => {
              const next = { ...(value ?? {}) };
              if (v === undefined || (v === '' && !f.required) || (!f.required && isBlankObject(f, v)))
                delete next[f.key];
              else next[f.key] = v;
              onChange(next);
            }}
          />
        ))}
    </>
  );
}

/** An optional group with nothing filled in (e.g. a journey goal whose event was cleared) is left out. */
function isBlankObject(f: FieldSpec, v: unknown): boolean {
  return (
    f.kind === 'object' &&
    !!v &&
    typeof v === 'object' &&
    Object.values(v).every((x) => x === undefined || x === '' || (Array.isArray(x) && x.length === 0))
  );
}

/** A field of the generated form: its spec, its dotted config path and its value. */
interface FieldProps {
  field: FieldSpec;
  path: string;
  value: unknown;
  onChange(v: unknown): void;
}

function FieldItem({ field, path, value, onChange }: FieldProps) {
  const { lang, pick } = useLang();
  const env = useFormEnv();
  // groups and lists of kinds show their fields' errors at the fields; other fields collect what is below them
  const nested = field.kind !== 'object' && field.kind !== 'unionList' && field.kind !== 'channelContent';
  const errors = [
    ...new Set(
      [...env.errors.entries()]
        .filter(([p]) => p === path || (nested && p.startsWith(`${path}.`)))
        .flatMap(([, m]) => m),
    ),
  ];
  const label = field.label ? pick(field.label) : humanize(field.key);
  return (
    <Form.Item
      label={label}
      // a field with a default is never empty, so it is not shown as optional either
      required={field.required || field.schema.default !== undefined}
      // descriptions in schemas are English notes; a Chinese form shows them only when they are Chinese
      tooltip={
        field.description && (lang === 'en' || /[\u4e00-\u9fff]/.test(field.description))
          ? field.description
          : undefined
      }
      validateStatus={errors.length ? 'error' : undefined}
      help={errors.length ? errors.join('；') : undefined}
      data-testid={`field-${path}`}
    >
      {/* a field left out reads as its default (what the engine will use), without writing it */}
      <FieldInput
        field={field}
        path={path}
        value={value === undefined ? field.schema.default : value}
        onChange={onChange}
      />
    </Form.Item>
  );
}

function FieldInput({ field, path, value, onChange }: FieldProps) {
  const { t } = useTranslation();
  const { pick } = useLang();
  const env = useFormEnv();
  const disabled = env.readOnly;
  const testId = `input-${path}`;
  const s = field.schema;
  const enumLabels = s['x-enum-labels'] as Record<string, { zh: string; en: string }> | undefined;
  switch (field.kind) {
    case 'text':
      return (
        <Input
          value={(value as string) ?? ''}
          onChange={(e) => onChange(e.target.value)}
          disabled={disabled}
          data-testid={testId}
        />
      );
    case 'textarea':
      return (
        <Input.TextArea
          value={(value as string) ?? ''}
          autoSize={{ minRows: 2, maxRows: 8 }}
          onChange={(e) => onChange(e.target.value)}
          disabled={disabled}
          data-testid={testId}
        />
      );
    case 'number':
      return (
        <InputNumber
          value={value as number}
          min={typeof s.minimum === 'number' ? s.minimum : undefined}
          max={typeof s.maximum === 'number' && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined}
          precision={s.type === 'integer' ? 0 : undefined}
          onChange={(v) => onChange(v ?? undefined)}
          disabled={disabled}
          data-testid={testId}
          style={{ width: '100%' }}
        />
      );
    case 'boolean':
      return <Switch checked={!!value} onChange={onChange} disabled={disabled} data-testid={testId} />;
    case 'scalar':
      return (
        <Input
          value={value === undefined || value === null ? '' : String(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : parseScalar(e.target.value))}
          placeholder={t('form.value')}
          disabled={disabled}
          data-testid={testId}
        />
      );
    case 'time':
      return <TimeInput value={value as string} onChange={onChange} disabled={disabled} testId={testId} />;
    case 'weekdays':
      return (
        <WeekdaysInput value={value as number[]} onChange={onChange} disabled={disabled} testId={testId} />
      );
    case 'tag':
      return (
        <TagPicker
          multiple={false}
          value={value as string}
          onChange={onChange}
          disabled={disabled}
          testId={testId}
        />
      );
    case 'enum':
    case 'channel':
      return (
        <Select
          value={value as string}
          onChange={onChange}
          disabled={disabled}
          data-testid={testId}
          options={(field.options ?? (s.enum as string[]) ?? []).map((o) => ({
            value: o,
            // a node type may name its own choices (x-enum-labels); else the shared enum words
            label: enumLabels?.[o] ? pick(enumLabels[o]) : t([`enum.${o}`, `op.${o}`], { defaultValue: o }),
          }))}
        />
      );
    case 'duration':
      return (
        <DurationInput
          value={value as { amount?: number; unit?: string }}
          onChange={onChange}
          schema={s}
          disabled={disabled}
          testId={testId}
        />
      );
    case 'tags':
    case 'stringList':
      return (
        <TagPicker
          value={value as string[]}
          onChange={(v) => onChange((v as string[]).length ? v : undefined)}
          disabled={disabled}
          testId={testId}
        />
      );
    case 'event':
      return <EventPicker value={value as string} onChange={onChange} disabled={disabled} testId={testId} />;
    case 'couponTemplate':
      return <CouponPicker value={value as string} onChange={onChange} disabled={disabled} testId={testId} />;
    case 'segment':
      return (
        <SegmentPicker value={value as string} onChange={onChange} disabled={disabled} testId={testId} />
      );
    case 'secret':
      return <SecretPicker value={value as string} onChange={onChange} disabled={disabled} testId={testId} />;
    case 'datetime':
      return (
        <DateTimeInput value={value as string} onChange={onChange} disabled={disabled} testId={testId} />
      );
    case 'messageBody':
      return <MessageBody value={value as string} onChange={onChange} disabled={disabled} testId={testId} />;
    case 'conditions':
      return (
        <ConditionsEditor value={value as never} onChange={onChange} disabled={disabled} testId={testId} />
      );
    case 'filters': {
      const ops = (s.items?.properties?.op?.enum as string[] | undefined) ?? [
        'eq',
        'neq',
        'gt',
        'gte',
        'lt',
        'lte',
      ];
      return (
        <FiltersEditor
          value={value as never}
          onChange={onChange}
          ops={ops}
          disabled={disabled}
          testId={testId}
        />
      );
    }
    case 'keyValue':
      return (
        <KeyValueEditor
          value={value as Record<string, unknown>}
          onChange={onChange}
          disabled={disabled}
          testId={testId}
        />
      );
    case 'channelContent':
      return (
        <ChannelContent
          value={value as Record<string, unknown> | undefined}
          onChange={onChange}
          path={path}
        />
      );
    case 'object':
      return (
        <div className="yt-subform">
          <FieldList
            fields={field.fields ?? []}
            value={(value as Record<string, unknown>) ?? {}}
            onChange={onChange}
            path={path}
          />
        </div>
      );
    case 'list':
      return (
        <ListInput field={field} path={path} value={value as Record<string, unknown>[]} onChange={onChange} />
      );
    case 'unionList':
      return (
        <UnionListInput
          union={field.union!}
          path={path}
          value={value as Record<string, unknown>[]}
          onChange={onChange}
        />
      );
    default:
      return <JsonInput value={value} onChange={onChange} disabled={disabled} testId={testId} />;
  }
}

/** Arrays of objects (split variants, custom lists): compact rows when the items are simple, cards otherwise. */
function ListInput({
  field,
  path,
  value,
  onChange,
}: {
  field: FieldSpec;
  path: string;
  value: Record<string, unknown>[] | undefined;
  onChange(v: unknown): void;
}) {
  const { t } = useTranslation();
  const env = useFormEnv();
  const items = value ?? [];
  const itemFields = field.fields ?? [];
  const idField = itemFields.find((f) => f.autoId);
  const visible = itemFields.filter((f) => !f.autoId);
  const compact = visible.length <= 3 && visible.every((f) => PRIMITIVE.has(f.kind));
  const add = () => {
    const item = (field.schema.items ? defaultFor(field.schema.items) : {}) as Record<string, unknown>;
    if (idField)
      item[idField.key] = newItemId(
        'v',
        items.map((i) => String(i[idField.key] ?? '')),
      );
    onChange([...items, item]);
  };
  return (
    <div className="yt-rows" data-testid={`input-${path}`}>
      {items.map((item, i) => {
        const key = idField ? String(item[idField.key]) : String(i);
        const setItem = (v: Record<string, unknown>) => onChange(items.map((x, j) => (j === i ? v : x)));
        return (
          <div key={key} className={compact ? 'yt-row yt-list-row' : 'yt-list-card'}>
            {compact ? (
              visible.map((f) =>
                f.kind === 'boolean' ? (
                  <CheckCell
                    key={f.key}
                    field={f}
                    path={`${path}.${i}.${f.key}`}
                    value={item[f.key]}
                    onChange={(v) => setItem({ ...item, [f.key]: v })}
                  />
                ) : (
                  <div key={f.key} className="yt-list-cell" title={f.label ? undefined : f.key}>
                    <FieldInput
                      field={f}
                      path={`${path}.${i}.${f.key}`}
                      value={item[f.key]}
                      onChange={(v) => setItem({ ...item, [f.key]: v })}
                    />
                  </div>
                ),
              )
            ) : (
              <FieldList fields={itemFields} value={item} onChange={setItem} path={`${path}.${i}`} />
            )}
            {!env.readOnly && (
              <Button
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('form.remove')}
                onClick={() => onChange(items.filter((_, j) => j !== i))}
              />
            )}
          </div>
        );
      })}
      {!env.readOnly && (
        <Button size="small" icon={<PlusOutlined />} onClick={add}>
          {t('form.addItem')}
        </Button>
      )}
    </div>
  );
}

/**
 * A yes/no inside a compact row (a split group's "holdout"): a checkbox named by the first part of its label,
 * the whole label on hover, so the row stays one line.
 */
function CheckCell({ field, path, value, onChange }: FieldProps) {
  const { pick } = useLang();
  const env = useFormEnv();
  const label = field.label ? pick(field.label) : humanize(field.key);
  const short = label.split(/[（(]/)[0].trim();
  const invalid = [...env.errors.keys()].some((p) => p === path);
  return (
    <Tooltip title={short === label ? undefined : label}>
      <Checkbox
        checked={value === true}
        onChange={(e) => onChange(e.target.checked ? true : undefined)}
        disabled={env.readOnly}
        className={`yt-check-cell${invalid ? ' is-invalid' : ''}`}
        data-testid={`input-${path}`}
      >
        {short}
      </Checkbox>
    </Tooltip>
  );
}

/**
 * A list whose items come in kinds (exit criteria: an event, a tag being added, an attribute condition):
 * each item is a card with its kind on top and that kind's own fields below.
 */
function UnionListInput({
  union,
  path,
  value,
  onChange,
}: {
  union: UnionSpec;
  path: string;
  value: Record<string, unknown>[] | undefined;
  onChange(v: unknown): void;
}) {
  const { t } = useTranslation();
  const { pick } = useLang();
  const env = useFormEnv();
  const items = value ?? [];
  const { discriminator: d, variants } = union;
  const fresh = (kind: string) => {
    const variant = variants.find((v) => v.value === kind) ?? variants[0];
    return { ...(defaultFor(variant.schema) as Record<string, unknown>), [d]: variant.value };
  };
  return (
    <div className="yt-rows" data-testid={`input-${path}`}>
      {items.map((item, i) => {
        const variant = variants.find((v) => v.value === item[d]);
        const setItem = (v: Record<string, unknown>) => onChange(items.map((x, j) => (j === i ? v : x)));
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: items have no id; their order is their identity
          <div key={i} className="yt-list-card" data-testid={`input-${path}.${i}`}>
            <div className="yt-row">
              <Select
                value={item[d] as string}
                disabled={env.readOnly}
                onChange={(kind) => setItem(fresh(kind))}
                options={variants.map((v) => ({ value: v.value, label: v.label ? pick(v.label) : v.value }))}
                data-testid={`input-${path}.${i}.${d}`}
                style={{ flex: 1 }}
              />
              {!env.readOnly && (
                <Button
                  type="text"
                  icon={<DeleteOutlined />}
                  aria-label={t('form.remove')}
                  onClick={() => onChange(items.filter((_, j) => j !== i))}
                  data-testid={`input-${path}.${i}-remove`}
                />
              )}
            </div>
            {variant && (
              <FieldList fields={variant.fields} value={item} onChange={setItem} path={`${path}.${i}`} />
            )}
          </div>
        );
      })}
      {!env.readOnly && (
        <Button
          size="small"
          icon={<PlusOutlined />}
          onClick={() => onChange([...items, fresh(variants[0].value)])}
          data-testid={`input-${path}-add`}
        >
          {t('form.addItem')}
        </Button>
      )}
    </div>
  );
}
