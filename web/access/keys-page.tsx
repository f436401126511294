import KeyOutlined from '@ant-design/icons/es/icons/KeyOutlined';
import { App, Button, Checkbox, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiKey, authApi, SCOPE_OPTIONS, type Scope } from '../auth/auth-api';
import { authErrorText } from '../auth/auth-errors';
import { formatTime } from '../shell/format';
import { useAsync } from '../shell/use-async';
import { SdkSetup } from './sdk-setup';
import { ShownOnce } from './shown-once';

/** Admins: the workspace's API keys for the brand's systems; a secret is shown once, at creation. */
export function KeysPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useAsync(() => authApi.keys(), []);
  const [creating, setCreating] = useState(false);

  const revoke = async (k: ApiKey) => {
    try {
      await authApi.revokeKey(k.id);
      message.success(t('keys.revoked', { name: k.name }));
      list.reload();
    } catch (e) {
      message.error(authErrorText(t, e));
    }
  };

  return (
    <div className="yt-page" data-testid="keys-page">
      <div className="yt-page__head">
        <div>
          <Typography.Title level={3}>{t('keys.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('keys.subtitle')}</Typography.Text>
        </div>
        <Button type="primary" icon={<KeyOutlined />} onClick={() => setCreating(true)} data-testid="new-key">
          {t('keys.new')}
        </Button>
      </div>
      <Table<ApiKey>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('keys.empty') }}
        rowClassName={(k) => (k.revokedAt ? 'yt-row-off' : '')}
        columns={[
          { title: t('keys.col.name'), dataIndex: 'name' },
          {
            title: t('keys.col.key'),
            dataIndex: 'prefix',
            render: (p: string) => <span className="yt-mono">{p}…</span>,
          },
          {
            title: t('keys.col.scopes'),
            dataIndex: 'scopes',
            render: (scopes: Scope[]) => scopes.map((s) => <Tag key={s}>{t(`scope.${s}.name`)}</Tag>),
          },
          { title: t('keys.col.createdBy'), dataIndex: 'createdBy', render: (v: string | null) => v ?? '—' },
          { title: t('keys.col.created'), dataIndex: 'createdAt', render: formatTime },
          {
            title: t('keys.col.lastUsed'),
            dataIndex: 'lastUsedAt',
            render: (v: string | null) => (v ? formatTime(v) : t('keys.never')),
          },
          {
            title: t('keys.col.actions'),
            width: 120,
            render: (_, k) =>
              k.revokedAt ? (
                <Tag>{t('keys.revokedAt', { at: formatTime(k.revokedAt) })}</Tag>
              ) : (
                <Popconfirm
                  title={t('keys.revokeConfirm', { name: k.name })}
                  onConfirm={() => void revoke(k)}
                >
                  <Button type="link" size="small" danger>
                    {t('keys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <NewKeyModal open={creating} onClose={() => setCreating(false)} onCreated={list.reload} />
    </div>
  );
}

function NewKeyModal(props: { open: boolean; onClose(): void; onCreated(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; scopes: Scope[] }>();
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [ingest, setIngest] = useState(false);
  const close = () => {
    setSecret(null);
    form.resetFields();
    props.onClose();
  };
  const submit = async () => {
    // an empty required field is shown under the field; its rejection must not escape as an uncaught error
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    try {
      const r = await authApi.createKey(v);
      setIngest(v.scopes.includes('ingest'));
      setSecret(r.secret);
      props.onCreated();
    } catch (e) {
      message.error(authErrorText(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={t('keys.new')}
      onCancel={close}
      maskClosable={!secret}
      destroyOnHidden
      footer={
        secret ? (
          <Button type="primary" onClick={close} data-testid="key-done">
            {t('keys.saved')}
          </Button>
        ) : (
          <Space>
            <Button onClick={close}>{t('common.cancel')}</Button>
            <Button type="primary" loading={busy} onClick={() => void submit()} data-testid="key-submit">
              {t('keys.create')}
            </Button>
          </Space>
        )
      }
    >
      {secret ? (
        <ShownOnce
          value={secret}
          notice={{ type: 'warning', title: t('keys.onceTitle'), hint: t('keys.onceHint') }}
          testId="key-secret"
          mono
        >
          <div className="yt-muted">{t('keys.howToUse')}</div>
          {ingest && <SdkSetup secret={secret} />}
        </ShownOnce>
      ) : (
        <Form form={form} layout="vertical" requiredMark={false} initialValues={{ scopes: ['ingest'] }}>
          <Form.Item
            name="name"
            label={t('keys.col.name')}
            extra={t('keys.nameHint')}
            rules={[{ required: true, whitespace: true, max: 100, message: t('keys.nameRule') }]}
          >
            <Input autoFocus data-testid="key-name" />
          </Form.Item>
          <Form.Item
            name="scopes"
            label={t('keys.col.scopes')}
            rules={[{ required: true, type: 'array', min: 1, message: t('keys.scopeRule') }]}
          >
            <Checkbox.Group style={{ display: 'grid', gap: 8 }}>
              {SCOPE_OPTIONS.map((s) => (
                <Checkbox key={s} value={s} data-testid={`scope-${s}`}>
                  <strong>{t(`scope.${s}.name`)}</strong>{' '}
                  <span className="yt-muted">{t(`scope.${s}.what`)}</span>
                </Checkbox>
              ))}
            </Checkbox.Group>
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
