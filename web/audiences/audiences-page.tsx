import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import UploadOutlined from '@ant-design/icons/es/icons/UploadOutlined';
import { Alert, App, Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { NamedRef, SegmentSummary } from '../api/types';
import { useCan } from '../auth/session';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import { formatTime } from '../shell/format';
import { LoadMore } from '../shell/load-more';
import { paths } from '../shell/router';
import { usePaged } from '../shell/use-paged';
import { ImportMembersModal } from './import-members-modal';
import { rulesInWords } from './rule-words';

/** 人群: saved audiences with their live member count, the journeys that use them, and their rule in words. */
export function AudiencesPage() {
  const { t } = useTranslation();
  const { lang } = useLang();
  const { modal, message } = App.useApp();
  const catalog = useCatalog();
  const list = usePaged((page) => api.segments(page), []);
  const canEdit = useCan('audiences.edit');
  const canImport = useCan('members.import');
  const [importing, setImporting] = useState(false);
  const names = new Map(catalog.segments.map((s) => [s.id, s.name]));
  for (const s of list.items) names.set(s.id, s.name);

  const remove = async (s: SegmentSummary) => {
    try {
      await api.deleteSegment(s.id);
      message.success(t('audiences.deleted', { name: s.name }));
      list.reload();
      catalog.refreshSegments();
    } catch (e) {
      const err = e as ApiError;
      if (err instanceof ApiError && err.status === 409) {
        // the engine names who still uses it: say so, with links, instead of an English sentence
        modal.warning({
          title: t('audiences.inUseTitle', { name: s.name }),
          content: <UsedBy journeys={err.usedBy?.journeys} audiences={err.usedBy?.audiences} />,
          okText: t('common.done'),
        });
      } else message.error(err.message);
    }
  };

  return (
    <div className="yt-page" data-testid="audiences-page">
      <div className="yt-page__head">
        <div>
          <Typography.Title level={3}>{t('audiences.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('audiences.subtitle')}</Typography.Text>
        </div>
        <Space>
          {canImport && (
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="import-members">
              {t('import.open')}
            </Button>
          )}
          <Button onClick={list.reload}>{t('common.refresh')}</Button>
          {canEdit && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              href={paths.audience('new')}
              data-testid="new-audience"
            >
              {t('audiences.new')}
            </Button>
          )}
        </Space>
      </div>
      <Table<SegmentSummary>
        rowKey="id"
        loading={list.loading && !list.loaded}
        dataSource={list.items}
        pagination={false}
        locale={{ emptyText: t('audiences.empty') }}
        data-testid="audiences-table"
        columns={[
          {
            title: t('audiences.col.name'),
            dataIndex: 'name',
            render: (name: string, s) => (
              <div>
                <a href={paths.audience(s.id)} data-testid={`audience-link-${s.id}`}>
                  {name}
                </a>
                {s.systemKey && (
                  <Tag className="yt-tag-inline" color="blue">
                    {t('audiences.system')}
                  </Tag>
                )}
                <div className="yt-muted yt-ellipsis" title={rulesInWords(s.rule, { lang })}>
                  {rulesInWords(s.rule, { lang, segmentName: (id) => names.get(id) })}
                </div>
              </div>
            ),
          },
          {
            title: t('audiences.col.members'),
            dataIndex: 'members',
            width: 120,
            align: 'right',
            render: (n: number) => <span data-testid="audience-members">{n.toLocaleString()}</span>,
          },
          {
            title: t('audiences.col.journeys'),
            dataIndex: 'journeys',
            width: 260,
            render: (js: NamedRef[]) =>
              js.length ? (
                <Space size={4} wrap>
                  {js.map((j) => (
                    <a key={j.id} href={paths.editor(j.id)}>
                      <Tag>{j.name}</Tag>
                    </a>
                  ))}
                </Space>
              ) : (
                <span className="yt-muted">—</span>
              ),
          },
          {
            title: t('audiences.col.updated'),
            dataIndex: 'updatedAt',
            width: 160,
            render: (v: string) => <span className="yt-nowrap">{formatTime(v)}</span>,
          },
          {
            title: t('audiences.col.actions'),
            width: 140,
            render: (_, s) => (
              <Space size={0}>
                <Button type="link" size="small" href={paths.audience(s.id)}>
                  {canEdit ? t('audiences.edit') : t('audiences.view')}
                </Button>
                {canEdit && !s.systemKey && (
                  <Popconfirm
                    title={t('audiences.deleteConfirm', { name: s.name })}
                    onConfirm={() => remove(s)}
                  >
                    <Button type="link" size="small" danger data-testid={`audience-delete-${s.id}`}>
                      {t('audiences.delete')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <LoadMore list={list} />
      <ImportMembersModal
        open={importing}
        onClose={() => {
          setImporting(false);
          list.reload();
        }}
      />
    </div>
  );
}

/** Who still uses an audience that cannot be deleted: journeys and audiences, each a link. */
export function UsedBy({ journeys, audiences }: { journeys?: NamedRef[]; audiences?: NamedRef[] }) {
  const { t } = useTranslation();
  return (
    <div data-testid="audience-in-use">
      {!!journeys?.length && (
        <>
          <p>{t('audiences.inUseJourneys')}</p>
          <ul className="yt-plain-list">
            {journeys.map((j) => (
              <li key={j.id}>
                <a href={paths.editor(j.id)}>{j.name}</a>
              </li>
            ))}
          </ul>
        </>
      )}
      {!!audiences?.length && (
        <>
          <p>{t('audiences.inUseAudiences')}</p>
          <ul className="yt-plain-list">
            {audiences.map((a) => (
              <li key={a.id}>
                <a href={paths.audience(a.id)}>{a.name}</a>
              </li>
            ))}
          </ul>
        </>
      )}
      <Alert type="info" showIcon title={t('audiences.inUseHint')} />
    </div>
  );
}
