import { Alert, App, Button, Input, Modal, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { useCan } from '../auth/session';
import { useCatalog } from '../shell/catalog';
import { paths } from '../shell/router';
import { useAsync } from '../shell/use-async';
import { type TagCount, type TagUsage, tagsApi } from './tags-api';

type Action =
  | { kind: 'rename'; tag: string }
  | { kind: 'merge'; tags: string[] }
  | { kind: 'delete'; tag: string };

/**
 * 标签: every tag members hold with how many hold it; rename, merge several into one (members keep it) and
 * delete a tag no journey or audience uses. Before each change the dialog says how many members it moves and
 * which journeys and audiences name the tag.
 */
export function TagsPage() {
  const { t } = useTranslation();
  const canEdit = useCan('audiences.edit');
  const catalog = useCatalog();
  const list = useAsync(() => tagsApi.list(), []);
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [action, setAction] = useState<Action | null>(null);
  const rows = useMemo(
    () => (list.data ?? []).filter((r) => r.tag.toLowerCase().includes(search.trim().toLowerCase())),
    [list.data, search],
  );
  const done = () => {
    setAction(null);
    setSelected([]);
    list.reload();
    catalog.refresh();
  };

  return (
    <div className="yt-page" data-testid="tags-page">
      <div className="yt-page__head">
        <div>
          <Typography.Title level={3}>{t('tags.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('tags.subtitle')}</Typography.Text>
        </div>
        {canEdit && (
          <Button
            disabled={selected.length < 2}
            onClick={() => setAction({ kind: 'merge', tags: selected })}
            data-testid="tags-merge"
          >
            {selected.length < 2 ? t('tags.mergeHint') : t('tags.merge', { count: selected.length })}
          </Button>
        )}
      </div>
      <Input.Search
        allowClear
        placeholder={t('tags.search')}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        style={{ maxWidth: 320, marginBottom: 16 }}
        data-testid="tags-search"
      />
      {list.error && (
        <Alert
          type="error"
          showIcon
          title={t('tags.loadFailed')}
          description={list.error.message}
          action={<Button onClick={list.reload}>{t('coupon.retry')}</Button>}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<TagCount>
        rowKey="tag"
        loading={list.loading && !list.data}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: search ? t('tags.noMatch', { search }) : t('tags.empty') }}
        rowSelection={
          canEdit ? { selectedRowKeys: selected, onChange: (k) => setSelected(k as string[]) } : undefined
        }
        data-testid="tags-table"
        columns={[
          {
            title: t('tags.col.tag'),
            dataIndex: 'tag',
            render: (v: string) => <strong data-testid="tag-name">{v}</strong>,
          },
          {
            title: t('tags.col.members'),
            dataIndex: 'members',
            align: 'right',
            sorter: (a, b) => a.members - b.members,
            defaultSortOrder: 'descend',
            render: (n: number) => <span data-testid="tag-members">{n}</span>,
          },
          ...(canEdit
            ? [
                {
                  title: t('tags.col.actions'),
                  key: 'actions',
                  width: 170,
                  render: (_: unknown, r: TagCount) => (
                    <Space>
                      <Button
                        size="small"
                        onClick={() => setAction({ kind: 'rename', tag: r.tag })}
                        data-testid="tag-rename"
                      >
                        {t('tags.rename')}
                      </Button>
                      <Button
                        size="small"
                        danger
                        onClick={() => setAction({ kind: 'delete', tag: r.tag })}
                        data-testid="tag-delete"
                      >
                        {t('tags.delete')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {action && (
        <TagActionModal
          action={action}
          tags={list.data ?? []}
          onClose={() => setAction(null)}
          onDone={done}
        />
      )}
    </div>
  );
}

/** The dialog of one change: what it will do (members moved, journeys and audiences naming the tag), then do it. */
function TagActionModal({
  action,
  tags,
  onClose,
  onDone,
}: {
  action: Action;
  tags: TagCount[];
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const sources = action.kind === 'merge' ? action.tags : [action.tag];
  const usage = useAsync(() => Promise.all(sources.map((s) => tagsApi.usage(s))), [sources.join('\u0000')]);
  const [into, setInto] = useState(action.kind === 'merge' ? action.tags[0] : '');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const members = (usage.data ?? []).reduce((n, u) => n + u.members, 0);
  const users = (usage.data ?? []).flatMap((u: TagUsage) => [
    ...u.journeys.map((j) => ({ ...j, kind: 'journey' as const })),
    ...u.audiences.map((a) => ({ ...a, kind: 'audience' as const })),
  ]);
  const target = into.trim();
  const exists = tags.some((x) => x.tag === target) && !sources.includes(target);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      if (action.kind === 'delete') {
        const r = await tagsApi.remove(action.tag);
        message.success(t('tags.deleted', { tag: action.tag, count: r.membersUntagged }));
      } else {
        const r = await tagsApi.merge(sources, target);
        message.success(t('tags.merged', { into: r.into, count: r.members }));
      }
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.usedBy)
        setError(
          t('tags.inUse', {
            journeys: e.usedBy.journeys?.length ?? 0,
            audiences: e.usedBy.audiences?.length ?? 0,
          }),
        );
      else if (e instanceof ApiError && e.field) setError(t('tags.badName'));
      else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const title =
    action.kind === 'delete'
      ? t('tags.deleteTitle', { tag: action.tag })
      : action.kind === 'rename'
        ? t('tags.renameTitle', { tag: action.tag })
        : t('tags.mergeTitle', { count: sources.length });
  const blocked = action.kind === 'delete' && users.length > 0;
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      onOk={run}
      okText={action.kind === 'delete' ? t('tags.delete') : t('tags.confirm')}
      okButtonProps={{
        danger: action.kind === 'delete',
        disabled:
          usage.loading ||
          blocked ||
          (action.kind !== 'delete' && (!target || (action.kind === 'rename' && target === action.tag))),
        'data-testid': 'tag-action-ok',
      }}
      confirmLoading={busy}
      destroyOnHidden
    >
      <div data-testid="tag-action">
        {action.kind === 'merge' && (
          <Typography.Paragraph>
            {t('tags.mergeFrom')} {sources.map((s) => `「${s}」`).join('、')}
          </Typography.Paragraph>
        )}
        {action.kind !== 'delete' && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text>{action.kind === 'rename' ? t('tags.newName') : t('tags.into')}</Typography.Text>
            <Input
              value={into}
              onChange={(e) => setInto(e.target.value)}
              maxLength={64}
              placeholder={t('tags.newNamePlaceholder')}
              data-testid="tag-into"
            />
            {exists && (
              <Typography.Text type="secondary">{t('tags.existsMerge', { tag: target })}</Typography.Text>
            )}
          </Space>
        )}
        <Typography.Paragraph style={{ marginTop: 12 }} data-testid="tag-action-members">
          {usage.loading
            ? t('tags.counting')
            : action.kind === 'delete'
              ? t('tags.deleteMembers', { count: members })
              : t('tags.moveMembers', { count: members })}
        </Typography.Paragraph>
        {users.length > 0 && (
          <Alert
            type={blocked ? 'error' : 'warning'}
            showIcon
            data-testid="tag-action-users"
            title={
              blocked
                ? t('tags.deleteBlocked', { count: users.length })
                : t('tags.stillNamed', { count: users.length })
            }
            description={
              <ul className="yt-plain-list">
                {users.map((u) => (
                  <li key={`${u.kind}:${u.id}`}>
                    <a href={u.kind === 'journey' ? paths.editor(u.id) : paths.audience(u.id)}>
                      {t(u.kind === 'journey' ? 'tags.journey' : 'tags.audience')}
                      {t('punct.colon')}
                      {u.name}
                    </a>
                  </li>
                ))}
              </ul>
            }
          />
        )}
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginTop: 12 }}
            data-testid="tag-action-error"
          />
        )}
      </div>
    </Modal>
  );
}
