import DeleteOutlined from '@ant-design/icons/es/icons/DeleteOutlined';
import EditOutlined from '@ant-design/icons/es/icons/EditOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { App, Button, Card, Form, Input, Modal, Space, Table, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { SecretView } from '../api/types';
import { useCan } from '../auth/session';
import { formatTime } from '../shell/format';
import { paths } from '../shell/router';

/** The engine's rule for a name (engine/secrets/secret-refs.ts SECRET_NAME). */
const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;

/**
 * 密钥 (workspace secrets): values journeys refer to by name — a webhook's signing key. Admins add, replace and
 * delete them; the value is typed once and never shown again (the API never returns it). Others see the names.
 */
export function SecretsCard() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const canManage = useCan('secrets.manage');
  const [secrets, setSecrets] = useState<SecretView[] | null>(null);
  /** the secret being added (name: null) or replaced */
  const [editing, setEditing] = useState<{ name: string | null } | null>(null);
  const reload = useCallback(() => api.secrets().then(setSecrets, () => setSecrets([])), []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const remove = (name: string) =>
    modal.confirm({
      title: t('secrets.deleteTitle', { name }),
      content: t('secrets.deleteHelp'),
      okText: t('secrets.delete'),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await api.deleteSecret(name);
          message.success(t('secrets.deleted', { name }));
          void reload();
        } catch (e) {
          if (e instanceof ApiError && e.status === 409)
            modal.warning({
              title: t('secrets.inUseTitle', { name }),
              content: (
                <div data-testid="secret-in-use">
                  <p>{t('secrets.inUseJourneys')}</p>
                  <ul className="yt-plain-list">
                    {(e.usedBy?.journeys ?? []).map((j) => (
                      <li key={j.id}>
                        <a href={paths.editor(j.id)}>{j.name}</a>
                      </li>
                    ))}
                  </ul>
                </div>
              ),
              okText: t('common.done'),
            });
          else message.error((e as Error).message);
        }
      },
    });

  return (
    <Card
      size="small"
      title={t('secrets.title')}
      className="yt-settings__card"
      data-testid="secrets-card"
      extra={
        canManage && (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => setEditing({ name: null })}
            data-testid="secret-add"
          >
            {t('secrets.add')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{t('secrets.help')}</Typography.Paragraph>
      <Table<SecretView>
        size="small"
        rowKey="name"
        pagination={false}
        loading={!secrets}
        dataSource={secrets ?? []}
        locale={{ emptyText: t('secrets.empty') }}
        data-testid="secrets-table"
        columns={[
          {
            title: t('secrets.name'),
            dataIndex: 'name',
            render: (name: string) => <Typography.Text code>{name}</Typography.Text>,
          },
          { title: t('secrets.value'), render: () => <span className="yt-muted">••••••••</span> },
          {
            title: t('secrets.updated'),
            render: (_, s) => (
              <span>
                {formatTime(s.updatedAt)}
                {s.updatedBy ? <span className="yt-muted"> · {s.updatedBy}</span> : null}
              </span>
            ),
          },
          ...(canManage
            ? [
                {
                  width: 120,
                  render: (_: unknown, s: SecretView) => (
                    <Space size={4}>
                      <Button
                        type="text"
                        icon={<EditOutlined />}
                        title={t('secrets.replace')}
                        aria-label={t('secrets.replace')}
                        onClick={() => setEditing({ name: s.name })}
                        data-testid={`secret-replace-${s.name}`}
                      />
                      <Button
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        title={t('secrets.delete')}
                        aria-label={t('secrets.delete')}
                        onClick={() => remove(s.name)}
                        data-testid={`secret-delete-${s.name}`}
                      />
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing && (
        <SecretModal
          name={editing.name}
          taken={(secrets ?? []).map((s) => s.name)}
          onClose={(saved) => {
            setEditing(null);
            if (saved) void reload();
          }}
        />
      )}
    </Card>
  );
}

/** Add a secret (a name and its value) or replace one's value; the value field is never filled from the server. */
function SecretModal({
  name,
  taken,
  onClose,
}: {
  name: string | null;
  taken: string[];
  onClose(saved: boolean): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; value: string }>();
  const [saving, setSaving] = useState(false);
  const save = async () => {
    // the form marks what is wrong; nothing to send until it is right
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setSaving(true);
    try {
      const target = name ?? v.name;
      await api.putSecret(target, v.value);
      message.success(t(name ? 'secrets.replaced' : 'secrets.added', { name: target }));
      onClose(true);
    } catch (e) {
      if (e instanceof ApiError && (e.field === 'name' || e.field === 'value'))
        form.setFields([{ name: e.field, errors: [e.message] }]);
      else message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={name ? t('secrets.replaceTitle', { name }) : t('secrets.addTitle')}
      okText={t('secrets.save')}
      onOk={save}
      confirmLoading={saving}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false}>
        {!name && (
          <Form.Item
            name="name"
            label={t('secrets.name')}
            extra={t('secrets.nameHelp')}
            rules={[
              { required: true, message: t('secrets.nameRequired') },
              { pattern: NAME, message: t('secrets.nameRule') },
              {
                validator: (_, v) =>
                  taken.includes(v) ? Promise.reject(new Error(t('secrets.nameTaken'))) : Promise.resolve(),
              },
            ]}
          >
            <Input placeholder="crm_signing" autoComplete="off" data-testid="secret-name" />
          </Form.Item>
        )}
        <Form.Item
          name="value"
          label={t('secrets.value')}
          extra={t('secrets.valueHelp')}
          rules={[
            { required: true, message: t('secrets.valueRequired') },
            { min: 16, message: t('secrets.valueMin') },
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="secret-value" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
