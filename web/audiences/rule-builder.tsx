import DeleteOutlined from '@ant-design/icons/es/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { Button, Input, InputNumber, Segmented, Select, Space } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LeafRule, SegmentRule } from '../api/types';
import { parseScalar } from '../forms/widgets/conditions-editor';
import { EventPicker } from '../forms/widgets/event-picker';
import { FiltersEditor } from '../forms/widgets/filters-editor';
import { SegmentPicker } from '../forms/widgets/segment-picker';
import { TagPicker } from '../forms/widgets/tag-picker';
import {
  type Group,
  isGroup,
  LEAF_KINDS,
  type LeafKind,
  newGroup,
  newLeaf,
  removeAt,
  ruleField,
  ruleIssueKey,
  updateAt,
} from './rule-edit';

const CMP_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists'];
const COUNT_OPS = ['gte', 'gt', 'lte', 'lt', 'eq'];
const CHANNELS = ['sms', 'wechat', 'wecom', 'email', 'push'] as const;

type Issues = Map<string, { field: string; message: string }[]>;

interface BuilderProps {
  value: SegmentRule;
  onChange(rule: SegmentRule): void;
  /** server issues by rule row (`rule.rules.0`) */
  issues: Issues;
  readOnly?: boolean;
  /** the audience being edited: it is not offered as "member of another audience" */
  selfId?: string;
}

/**
 * 人群规则: nested 全部满足 / 任一满足 groups of conditions — tags, attributes, dates, consent, event counts and
 * sums with property filters, the last time of an event, registration age, other audiences. A row the engine
 * refused is marked with its reason.
 */
export function RuleBuilder({ value, onChange, issues, readOnly, selfId }: BuilderProps) {
  // the root is always a group, so a marketer can add a second condition without rebuilding the first
  const root: Group = isGroup(value) ? value : { kind: 'all', rules: [value] };
  return (
    <div className="yt-rule-builder" data-testid="rule-builder">
      <GroupEditor
        group={root}
        path={[]}
        setAt={(path, fn) => onChange(updateAt(root, path, fn))}
        removeAt={(path) => onChange(removeAt(root, path))}
        issues={issues}
        readOnly={!!readOnly}
        selfId={selfId}
      />
    </div>
  );
}

interface NodeProps {
  path: number[];
  setAt(path: number[], fn: (r: SegmentRule) => SegmentRule): void;
  removeAt(path: number[]): void;
  issues: Issues;
  readOnly: boolean;
  selfId?: string;
}

function RowIssues({ field, issues }: { field: string; issues: Issues }) {
  const { t } = useTranslation();
  const mine = issues.get(field);
  if (!mine?.length) return null;
  return (
    <div className="yt-rule__error" data-testid={`${field}-error`}>
      {[...new Set(mine.map((i) => t(ruleIssueKey(i), { message: i.message })))].join('；')}
    </div>
  );
}

function GroupEditor({ group, ...p }: NodeProps & { group: Group }) {
  const { t } = useTranslation();
  const field = ruleField(p.path);
  const nested = p.path.length > 0;
  const add = (r: SegmentRule) =>
    p.setAt(p.path, (g) => ({ ...(g as Group), rules: [...(g as Group).rules, r] }));
  return (
    <div
      className={`yt-rule-group${nested ? ' is-nested' : ''}${p.issues.has(field) ? ' is-invalid' : ''}`}
      data-testid={`rule-group-${field}`}
    >
      <div className="yt-rule-group__head">
        <span>{t('audiences.rule.match')}</span>
        <Segmented
          size="small"
          value={group.kind}
          disabled={p.readOnly}
          onChange={(kind) => p.setAt(p.path, (g) => ({ ...(g as Group), kind: kind as Group['kind'] }))}
          options={[
            { value: 'all', label: t('audiences.rule.all') },
            { value: 'any', label: t('audiences.rule.any') },
          ]}
          data-testid={`${field}-combinator`}
        />
        <span className="yt-muted">{t('audiences.rule.ofThese')}</span>
        {nested && !p.readOnly && (
          <Button
            type="text"
            size="small"
            icon={<DeleteOutlined />}
            aria-label={t('form.remove')}
            onClick={() => p.removeAt(p.path)}
            data-testid={`${field}-remove`}
          />
        )}
      </div>
      <RowIssues field={field} issues={p.issues} />
      <div className="yt-rule-group__body">
        {group.rules.map((r, i) =>
          isGroup(r) ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: rules have no id; their order is their identity
            <GroupEditor key={i} group={r} {...p} path={[...p.path, i]} />
          ) : (
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            <LeafEditor key={i} rule={r} {...p} path={[...p.path, i]} />
          ),
        )}
      </div>
      {!p.readOnly && (
        <Space size={8}>
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => add(newLeaf('tag'))}
            data-testid={`${field}-add`}
          >
            {t('audiences.rule.addCondition')}
          </Button>
          {p.path.length < 4 && (
            <Button
              size="small"
              type="dashed"
              icon={<PlusOutlined />}
              onClick={() => add(newGroup(group.kind === 'all' ? 'any' : 'all'))}
              data-testid={`${field}-add-group`}
            >
              {t('audiences.rule.addGroup')}
            </Button>
          )}
        </Space>
      )}
    </div>
  );
}

function LeafEditor({ rule, ...p }: NodeProps & { rule: LeafRule }) {
  const { t } = useTranslation();
  const field = ruleField(p.path);
  const set = (patch: Partial<LeafRule> | Record<string, unknown>) =>
    p.setAt(p.path, (r) => ({ ...(r as LeafRule), ...patch }) as LeafRule);
  const d = p.readOnly;
  const bad = (sub: string) =>
    p.issues.get(field)?.some((i) => i.field === sub || i.field.startsWith(`${sub}.`));
  const status = (sub: string) => (bad(sub) ? ('error' as const) : undefined);
  const opSelect = (ops: string[], prefix: string, width = 150) => (
    <Select
      value={(rule as { op: string }).op}
      disabled={d}
      style={{ width }}
      onChange={(op) => set({ op })}
      options={ops.map((o) => ({ value: o, label: t(`${prefix}.${o}`) }))}
      data-testid={`${field}-op`}
      popupMatchSelectWidth={false}
    />
  );
  const days = (width = 80) => (
    <>
      <InputNumber
        value={(rule as { days?: number }).days}
        min={1}
        max={3650}
        precision={0}
        disabled={d}
        status={status('days')}
        style={{ width }}
        onChange={(v) => set({ days: v ?? undefined })}
        data-testid={`${field}-days`}
      />
      <span>{t('audiences.rule.days')}</span>
    </>
  );
  const event = (
    <div className="yt-rule__grow">
      <EventPicker
        value={(rule as { event?: string }).event}
        onChange={(v) => set({ event: v })}
        disabled={d}
        testId={`${field}-event`}
      />
    </div>
  );
  let body: ReactNode = null;
  switch (rule.kind) {
    case 'tag':
      body = (
        <>
          {opSelect(['has', 'has_not'], 'op', 120)}
          <div className="yt-rule__grow">
            <TagPicker
              multiple={false}
              value={rule.tag}
              onChange={(v) => set({ tag: v as string })}
              disabled={d}
              testId={`${field}-tag`}
            />
          </div>
        </>
      );
      break;
    case 'attribute':
      body = (
        <>
          <Input
            value={rule.key}
            placeholder={t('form.attributeKey')}
            disabled={d}
            status={status('key')}
            onChange={(e) => set({ key: e.target.value })}
            style={{ width: 150 }}
            data-testid={`${field}-key`}
          />
          {opSelect(CMP_OPS, 'op', 110)}
          {rule.op !== 'exists' && (
            <Input
              value={rule.value === undefined ? '' : String(rule.value)}
              placeholder={t('form.value')}
              disabled={d}
              status={status('value')}
              onChange={(e) =>
                set({ value: e.target.value === '' ? undefined : parseScalar(e.target.value) })
              }
              className="yt-rule__grow"
              data-testid={`${field}-value`}
            />
          )}
        </>
      );
      break;
    case 'attribute_date':
      body = (
        <>
          <Input
            value={rule.key}
            placeholder={t('audiences.rule.dateKey')}
            disabled={d}
            status={status('key')}
            onChange={(e) => set({ key: e.target.value })}
            style={{ width: 150 }}
            data-testid={`${field}-key`}
          />
          {opSelect(
            ['within_next_days', 'within_last_days', 'more_than_days_ago', 'anniversary_within_days'],
            'audiences.dateOp',
            190,
          )}
          {days()}
        </>
      );
      break;
    case 'consent':
      body = (
        <>
          <Select
            value={rule.channel}
            disabled={d}
            style={{ width: 160 }}
            onChange={(channel) => set({ channel })}
            options={CHANNELS.map((c) => ({ value: c, label: t(`enum.${c}`) }))}
            data-testid={`${field}-channel`}
          />
          <Select
            value={rule.value}
            disabled={d}
            style={{ width: 150 }}
            onChange={(value) => set({ value })}
            options={[
              { value: true, label: t('audiences.rule.consentYes') },
              { value: false, label: t('audiences.rule.consentNo') },
            ]}
            data-testid={`${field}-consent`}
          />
        </>
      );
      break;
    case 'event_count':
    case 'event_sum':
      body = (
        <div className="yt-rule__stack">
          <div className="yt-row">
            <span>{t('audiences.rule.inLast')}</span>
            {days()}
            {event}
          </div>
          <div className="yt-row">
            {rule.kind === 'event_sum' && <span>{t('audiences.rule.sumOf')}</span>}
            {rule.kind === 'event_sum' && (
              <Input
                value={rule.property}
                placeholder={t('form.property')}
                disabled={d}
                status={status('property')}
                onChange={(e) => set({ property: e.target.value })}
                style={{ width: 130 }}
                data-testid={`${field}-property`}
              />
            )}
            <span>{rule.kind === 'event_count' ? t('audiences.rule.times') : t('audiences.rule.total')}</span>
            {opSelect(COUNT_OPS, 'audiences.countOp', 90)}
            <InputNumber
              value={rule.value}
              min={rule.kind === 'event_count' ? 0 : undefined}
              precision={rule.kind === 'event_count' ? 0 : undefined}
              disabled={d}
              status={status('value')}
              onChange={(v) => set({ value: v ?? 0 })}
              style={{ width: 110 }}
              data-testid={`${field}-value`}
            />
          </div>
          <div className="yt-rule__filters">
            <span className="yt-muted">{t('audiences.rule.where')}</span>
            <FiltersEditor
              value={rule.where as never}
              onChange={(where) => set({ where: where?.length ? where : undefined })}
              ops={CMP_OPS}
              disabled={d}
              testId={`${field}-where`}
            />
          </div>
        </div>
      );
      break;
    case 'last_event':
      body = (
        <>
          {event}
          {opSelect(
            ['within_days', 'none_within_days', 'more_than_days_ago', 'never', 'ever'],
            'audiences.lastOp',
            170,
          )}
          {rule.op !== 'never' && rule.op !== 'ever' && days()}
        </>
      );
      break;
    case 'registered':
      body = (
        <>
          {opSelect(['more_than_days_ago', 'within_days'], 'audiences.registeredOp', 150)}
          {days()}
        </>
      );
      break;
    case 'segment':
      body = (
        <>
          {opSelect(['in', 'not_in'], 'audiences.segmentOp', 110)}
          <div className="yt-rule__grow">
            <SegmentPicker
              value={rule.segmentId}
              onChange={(v) => set({ segmentId: v })}
              disabled={d}
              testId={`${field}-segment`}
              exclude={p.selfId}
            />
          </div>
        </>
      );
      break;
  }
  return (
    <div className={`yt-rule${p.issues.has(field) ? ' is-invalid' : ''}`} data-testid={`rule-${field}`}>
      <div className="yt-row">
        <Select
          value={rule.kind}
          disabled={d}
          style={{ width: 140 }}
          onChange={(k: LeafKind) => p.setAt(p.path, () => newLeaf(k))}
          options={LEAF_KINDS.map((k) => ({ value: k, label: t(`audiences.kind.${k}`) }))}
          data-testid={`${field}-kind`}
          popupMatchSelectWidth={false}
        />
        {rule.kind !== 'event_count' && rule.kind !== 'event_sum' && body}
        {!d && (
          <Button
            type="text"
            icon={<DeleteOutlined />}
            aria-label={t('form.remove')}
            onClick={() => p.removeAt(p.path)}
            data-testid={`${field}-remove`}
          />
        )}
      </div>
      {(rule.kind === 'event_count' || rule.kind === 'event_sum') && body}
      <RowIssues field={field} issues={p.issues} />
    </div>
  );
}
