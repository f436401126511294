import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { authApi } from '../auth/auth-api';
import { authErrorText } from '../auth/auth-errors';
import { useCan } from '../auth/session';
import { formatTime } from '../shell/format';
import { useAsync } from '../shell/use-async';
import { type Guide, type GuideInput, type GuideStats, guidesApi } from './guides-api';

const percent = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

/**
 * Ops: the workspace's shopping guides (导购) — WeCom user id, store, the account they sign in with — and
 * how each guide does with the tasks journeys give them: completion and on-time rate per journey.
 */
export function GuidesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const canManage = useCan('guides.manage');
  const guides = useAsync(() => guidesApi.guides().then((r) => r.guides), []);
  const [editing, setEditing] = useState<Guide | 'new' | null>(null);
  const [journeyId, setJourneyId] = useState<string | undefined>();
  const journeys = useAsync(() => api.journeys({ limit: 200 }).then((p) => p.items), []);
  const stats = useAsync(() => guidesApi.stats(journeyId), [journeyId]);

  const deactivate = async (g: Guide) => {
    try {
      await guidesApi.deactivateGuide(g.id);
      guides.reload();
    } catch (e) {
      message.error(authErrorText(t, e));
    }
  };

  return (
    <div className="yt-page" data-testid="guides-page">
      <div className="yt-page__head">
        <div>
          <Typography.Title level={3}>{t('guides.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('guides.subtitle')}</Typography.Text>
        </div>
        {canManage && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="new-guide"
          >
            {t('guides.new')}
          </Button>
        )}
      </div>
      <Table<Guide>
        rowKey="id"
        loading={guides.loading && !guides.data}
        dataSource={guides.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('guides.empty') }}
        rowClassName={(g) => (g.active ? '' : 'yt-row-off')}
        columns={[
          { title: t('guides.col.name'), dataIndex: 'name' },
          {
            title: t('guides.col.wecom'),
            dataIndex: 'wecomUserId',
            render: (v: string) => <span className="yt-mono">{v}</span>,
          },
          { title: t('guides.col.store'), dataIndex: 'store', render: (v: string | null) => v ?? '—' },
          {
            title: t('guides.col.account'),
            dataIndex: 'userId',
            render: (v: string | null) => (v ? <Tag color="blue">{t('guides.linked')}</Tag> : '—'),
          },
          {
            title: t('guides.col.active'),
            dataIndex: 'active',
            render: (v: boolean) =>
              v ? <Tag color="green">{t('guides.on')}</Tag> : <Tag>{t('guides.off')}</Tag>,
          },
          { title: t('guides.col.created'), dataIndex: 'createdAt', render: formatTime },
          ...(canManage
            ? [
                {
                  title: t('guides.col.actions'),
                  width: 160,
                  render: (_: unknown, g: Guide) => (
                    <Space>
                      <Button size="small" onClick={() => setEditing(g)}>
                        {t('guides.edit')}
                      </Button>
                      {g.active && (
                        <Popconfirm
                          title={t('guides.deactivateConfirm')}
                          onConfirm={() => void deactivate(g)}
                        >
                          <Button size="small" danger>
                            {t('guides.deactivate')}
                          </Button>
                        </Popconfirm>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />

      <div className="yt-page__head" style={{ marginTop: 32 }}>
        <Typography.Title level={4}>{t('guides.stats.title')}</Typography.Title>
        <Select
          allowClear
          placeholder={t('guides.stats.allJourneys')}
          style={{ minWidth: 240 }}
          value={journeyId}
          onChange={setJourneyId}
          data-testid="guide-stats-journey"
          options={(journeys.data ?? []).map((j) => ({ value: j.id, label: j.name }))}
        />
      </div>
      <Table<GuideStats>
        rowKey={(r) => `${r.guideId}:${r.journeyId ?? ''}`}
        loading={stats.loading && !stats.data}
        dataSource={stats.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('guides.stats.empty') }}
        data-testid="guide-stats"
        columns={[
          { title: t('guides.col.name'), dataIndex: 'guideName' },
          { title: t('guides.col.store'), dataIndex: 'store', render: (v: string | null) => v ?? '—' },
          {
            title: t('guides.stats.journey'),
            dataIndex: 'journeyName',
            render: (v: string | null) => v ?? '—',
          },
          { title: t('guides.stats.tasks'), dataIndex: 'tasks' },
          { title: t('guides.stats.open'), dataIndex: 'open' },
          { title: t('guides.stats.done'), dataIndex: 'done' },
          { title: t('guides.stats.overdue'), dataIndex: 'overdue' },
          { title: t('guides.stats.completion'), dataIndex: 'completionRate', render: percent },
          { title: t('guides.stats.onTime'), dataIndex: 'onTimeRate', render: percent },
        ]}
      />
      {editing && (
        <GuideModal
          guide={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            guides.reload();
          }}
        />
      )}
    </div>
  );
}

function GuideModal({ guide, onClose, onSaved }: { guide: Guide | null; onClose(): void; onSaved(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<GuideInput>();
  const [saving, setSaving] = useState(false);
  const canUsers = useCan('users.manage');
  // the accounts a guide may sign in with (admins see the workspace's people)
  const users = useAsync(
    () => (canUsers ? authApi.users().then((r) => r.users) : Promise.resolve([])),
    [canUsers],
  );
  const save = async () => {
    // a refused validation shows under its field; it must not escape as an uncaught rejection
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setSaving(true);
    try {
      const input = { ...values, store: values.store || null, userId: values.userId || null };
      if (guide) await guidesApi.updateGuide(guide.id, input);
      else await guidesApi.createGuide(input);
      onSaved();
    } catch (e) {
      message.error(authErrorText(t, e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={guide ? t('guides.edit') : t('guides.new')}
      onCancel={onClose}
      onOk={() => void save()}
      confirmLoading={saving}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={
          guide
            ? { name: guide.name, wecomUserId: guide.wecomUserId, store: guide.store, userId: guide.userId }
            : {}
        }
      >
        <Form.Item name="name" label={t('guides.col.name')} rules={[{ required: true, max: 100 }]}>
          <Input data-testid="guide-name" />
        </Form.Item>
        <Form.Item
          name="wecomUserId"
          label={t('guides.col.wecom')}
          extra={t('guides.wecomHint')}
          rules={[{ required: true, max: 64 }]}
        >
          <Input data-testid="guide-wecom" />
        </Form.Item>
        <Form.Item name="store" label={t('guides.col.store')} rules={[{ max: 100 }]}>
          <Input data-testid="guide-store" />
        </Form.Item>
        {canUsers && (
          <Form.Item name="userId" label={t('guides.col.account')} extra={t('guides.accountHint')}>
            <Select
              allowClear
              data-testid="guide-account"
              options={(users.data ?? []).map((u) => ({
                value: u.id,
                label: `${u.name || u.email} (${u.email})`,
              }))}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
