import ArrowLeftOutlined from '@ant-design/icons/es/icons/ArrowLeftOutlined';
import LoadingOutlined from '@ant-design/icons/es/icons/LoadingOutlined';
import { Alert, App, Button, Card, Form, Input, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, api } from '../api/client';
import type { SegmentPreview, SegmentRule } from '../api/types';
import { useCan } from '../auth/session';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import { formatTime } from '../shell/format';
import { LoadMore } from '../shell/load-more';
import { navigate, paths } from '../shell/router';
import { useAsync } from '../shell/use-async';
import { usePaged } from '../shell/use-paged';
import { RuleBuilder } from './rule-builder';
import { cleanRule, type Group, isGroup, issuesByRule, newLeaf, ruleIssueKey } from './rule-edit';
import { rulesInWords } from './rule-words';

const PREVIEW_DELAY_MS = 400;

/** Why the live count is missing: the rules are incomplete, too slow to count, or too many counts at once. */
function previewFailedKey(code: string): string {
  if (code === 'preview_too_slow') return 'audiences.previewTooSlow';
  if (code === 'too_many_at_once' || code === 'rate_limited') return 'audiences.previewBusy';
  return 'audiences.previewFailed';
}

type Issue = { field: string; message: string };

/** The rule shown in the builder: always a group at the top, so a second condition is one click. */
function asGroup(rule: SegmentRule): Group {
  return isGroup(rule) ? rule : { kind: 'all', rules: [rule] };
}

/** 人群编辑: name, the rule builder, and a live count with sample members of the rule as it is being edited. */
export function AudienceEditorPage({ id }: { id: string }) {
  const isNew = id === 'new';
  const { t } = useTranslation();
  const saved = useAsync(() => (isNew ? Promise.resolve(null) : api.segment(id)), [id]);
  if (!isNew && !saved.data) {
    return (
      <div className="yt-page">
        {saved.error ? <Alert type="error" showIcon title={t('audiences.notFound')} /> : <Card loading />}
      </div>
    );
  }
  return (
    <AudienceEditor key={id} id={isNew ? null : id} initial={saved.data ?? null} reload={saved.reload} />
  );
}

function AudienceEditor({
  id,
  initial,
  reload,
}: {
  id: string | null;
  initial: Awaited<ReturnType<typeof api.segment>> | null;
  reload(): void;
}) {
  const { t } = useTranslation();
  const { lang } = useLang();
  const { message } = App.useApp();
  const catalog = useCatalog();
  const canEdit = useCan('audiences.edit') && !initial?.segment.systemKey;
  const [name, setName] = useState(initial?.segment.name ?? '');
  const [description, setDescription] = useState(initial?.segment.description ?? '');
  const [rule, setRule] = useState<Group>(() =>
    asGroup(initial?.segment.rule ?? { kind: 'all', rules: [newLeaf('tag')] }),
  );
  const [issues, setIssues] = useState<Issue[]>([]);
  const [preview, setPreview] = useState<{ data?: SegmentPreview; loading: boolean; failed?: string }>({
    loading: true,
  });
  const [saving, setSaving] = useState(false);
  const seq = useRef(0);

  // the count follows the rule as it is edited: each change asks again after a pause; a stale answer is dropped
  const key = JSON.stringify(rule);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the rule
  useEffect(() => {
    const n = ++seq.current;
    const ctl = new AbortController();
    setPreview((p) => ({ ...p, loading: true }));
    const timer = setTimeout(() => {
      api.previewRule(cleanRule(rule), { signal: ctl.signal }).then(
        (data) => {
          if (n !== seq.current) return;
          setPreview({ data, loading: false });
          setIssues((was) => was.filter((i) => !i.field.startsWith('rule')));
        },
        (e: ApiError) => {
          if (n !== seq.current || e.code === 'network') return;
          setPreview({ loading: false, failed: e.code });
          if (e.issues?.length || e.field)
            setIssues(e.issues ?? [{ field: e.field ?? '', message: e.message }]);
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [key]);

  const byRule = useMemo(() => issuesByRule(issues), [issues]);
  const nameIssue = issues.find((i) => i.field === 'name');
  const names = new Map(catalog.segments.map((s) => [s.id, s.name]));
  const words = rulesInWords(rule, { lang, segmentName: (x) => names.get(x) });

  const save = async () => {
    setSaving(true);
    try {
      const input = { name: name.trim(), description, rule: cleanRule(rule) };
      const seg = id ? await api.updateSegment(id, input) : await api.createSegment(input);
      setIssues([]);
      message.success(t('audiences.saved', { name: seg.name }));
      catalog.refreshSegments();
      if (!id) navigate(paths.audience(seg.id));
      else reload();
    } catch (e) {
      const err = e as ApiError;
      const list = err.issues?.length
        ? err.issues
        : err.field
          ? [{ field: err.field, message: err.message }]
          : [];
      setIssues(list);
      if (err.code === 'conflict' && err.field === 'name') message.error(t('audiences.nameTaken', { name }));
      else if (list.length) message.error(t('audiences.fixRows', { count: list.length }));
      else message.error(err.message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="yt-page" data-testid="audience-editor">
      <div className="yt-page__head">
        <Space>
          <Button
            type="text"
            icon={<ArrowLeftOutlined />}
            href={paths.audiences()}
            aria-label={t('audiences.back')}
          />
          <Typography.Title level={3}>{id ? initial?.segment.name : t('audiences.new')}</Typography.Title>
          {initial?.segment.systemKey && <Tag color="blue">{t('audiences.system')}</Tag>}
        </Space>
        {canEdit && (
          <Button type="primary" onClick={save} loading={saving} data-testid="audience-save">
            {t('audiences.save')}
          </Button>
        )}
      </div>
      <div className="yt-audience">
        <div className="yt-audience__main">
          <Card size="small">
            <Form layout="vertical" component="div">
              <Form.Item
                label={t('audiences.name')}
                required
                validateStatus={nameIssue ? 'error' : undefined}
                help={nameIssue ? t('audiences.nameRequired') : undefined}
              >
                <Input
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  placeholder={t('audiences.namePlaceholder')}
                  maxLength={100}
                  disabled={!canEdit}
                  data-testid="audience-name"
                />
              </Form.Item>
              <Form.Item label={t('audiences.description')}>
                <Input.TextArea
                  value={description}
                  onChange={(e) => setDescription(e.target.value)}
                  autoSize={{ minRows: 1, maxRows: 4 }}
                  maxLength={500}
                  disabled={!canEdit}
                />
              </Form.Item>
              <Form.Item label={t('audiences.rules')}>
                <RuleBuilder
                  value={rule}
                  onChange={(r) => setRule(asGroup(r))}
                  issues={byRule}
                  readOnly={!canEdit}
                  selfId={id ?? undefined}
                />
              </Form.Item>
            </Form>
            <div className="yt-muted" data-testid="audience-words">
              {t('audiences.inWords')}
              {t('punct.colon')}
              {words}
            </div>
            {[...byRule.keys()].length === 0 && issues.some((i) => i.field.startsWith('rule')) && (
              <Alert
                type="error"
                showIcon
                title={issues.map((i) => t(ruleIssueKey(i), { message: i.message })).join('；')}
              />
            )}
          </Card>
        </div>
        <div className="yt-audience__side">
          <Card size="small" title={t('audiences.preview')}>
            <Statistic
              value={preview.data?.count ?? '—'}
              suffix={preview.loading ? <LoadingOutlined /> : t('audiences.people')}
              data-testid="audience-count"
              data-loading={preview.loading ? 'true' : 'false'}
            />
            <div className="yt-muted">
              {preview.failed ? t(previewFailedKey(preview.failed)) : t('audiences.previewHint')}
            </div>
            {initial && (
              <div className="yt-muted" data-testid="audience-saved-count">
                {t('audiences.savedCount', {
                  count: initial.segment.members,
                  at: formatTime(initial.segment.evaluatedAt) || '—',
                })}
              </div>
            )}
          </Card>
          <Card size="small" title={t('audiences.sample')}>
            <Table
              size="small"
              rowKey="externalId"
              pagination={false}
              dataSource={preview.data?.sample ?? []}
              locale={{ emptyText: t('audiences.sampleEmpty') }}
              data-testid="audience-sample"
              columns={[
                {
                  title: t('member.externalId'),
                  dataIndex: 'externalId',
                  render: (x: string) => <a href={paths.member(x)}>{x}</a>,
                },
                {
                  title: t('audiences.memberName'),
                  dataIndex: 'name',
                  render: (v: string | null) => v ?? '—',
                },
                { title: t('member.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
              ]}
            />
          </Card>
          {id && <SavedMembers id={id} />}
          {initial && (
            <Card size="small" title={t('audiences.usedBy')}>
              {initial.journeys.length ? (
                <Space size={4} wrap>
                  {initial.journeys.map((j) => (
                    <a key={j.id} href={paths.editor(j.id)}>
                      <Tag>{j.name}</Tag>
                    </a>
                  ))}
                </Space>
              ) : (
                <span className="yt-muted">{t('audiences.unused')}</span>
              )}
            </Card>
          )}
        </div>
      </div>
    </div>
  );
}

/** Who is in the saved audience now, newest entries first, a page at a time. */
function SavedMembers({ id }: { id: string }) {
  const { t } = useTranslation();
  const list = usePaged((page) => api.segmentMembers(id, page), [id], 20);
  return (
    <Card size="small" title={t('audiences.members')} data-testid="audience-members-list">
      <Table
        size="small"
        rowKey="memberId"
        pagination={false}
        loading={list.loading && !list.loaded}
        dataSource={list.items}
        locale={{ emptyText: t('audiences.membersEmpty') }}
        columns={[
          {
            title: t('member.externalId'),
            dataIndex: 'memberId',
            render: (x: string) => <a href={paths.member(x)}>{x}</a>,
          },
          { title: t('audiences.memberName'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
          {
            title: t('audiences.enteredAt'),
            dataIndex: 'enteredAt',
            render: (v: string) => <span className="yt-nowrap">{formatTime(v)}</span>,
          },
        ]}
      />
      <LoadMore list={list} />
    </Card>
  );
}
