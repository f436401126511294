import MinusCircleOutlined from '@ant-design/icons/es/icons/MinusCircleOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { App, Button, type ButtonProps, Form, Input, Modal, Select, Space, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiError, api } from '../api/client';
import type { Member, MemberPatch } from '../api/types';
import { guidesApi } from '../guides/guides-api';
import { useAsync } from '../shell/use-async';
import { attributeValue, editableValue } from './member-form';

/** Channels a member's consent is kept for (the message node's channels that reach a member). */
const CONSENT_CHANNELS = ['sms', 'wechat', 'wecom', 'email', 'push'] as const;

interface FormValues {
  name: string;
  phone: string;
  email: string;
  timezone: string;
  tags: string[];
  guideId: string | null;
  consent: Record<string, boolean>;
  attributes: { key: string; value: string }[];
}

/** Edit a member's profile, tags, attributes, consent and owning guide (ops, `members.edit`). */
export function MemberEditModal({
  member,
  guideId,
  onClose,
  onSaved,
}: {
  member: Member;
  guideId: string | null;
  onClose(): void;
  onSaved(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);
  const guides = useAsync(() => guidesApi.guides().then((r) => r.guides), []);
  // the workspace's tags, so an edit picks 新客 rather than typing a near-duplicate 新客户
  const knownTags = useAsync(() => api.tags(), []);
  const initial: FormValues = {
    name: member.name ?? '',
    phone: member.phone ?? '',
    email: member.email ?? '',
    timezone: member.timezone ?? '',
    tags: member.tags,
    guideId,
    consent: Object.fromEntries(CONSENT_CHANNELS.map((c) => [c, member.consent[c] !== false])),
    attributes: Object.entries(member.attributes).map(([key, value]) => ({
      key,
      value: editableValue(value),
    })),
  };

  const save = async (v: FormValues) => {
    const attributes: Record<string, unknown> = {};
    for (const a of v.attributes ?? [])
      if (a?.key?.trim())
        attributes[a.key.trim()] = attributeValue(a.value ?? '', member.attributes[a.key.trim()]);
    const patch: MemberPatch = {
      name: v.name.trim() || null,
      phone: v.phone.trim() || null,
      email: v.email.trim() || null,
      timezone: v.timezone.trim() || null,
      tags: v.tags,
      // only what changed: a channel never refused stays unset (absent means allowed)
      consent: Object.fromEntries(
        Object.entries(v.consent ?? {}).filter(([c, ok]) => ok !== (member.consent[c] !== false)),
      ),
      attributes,
      unsetAttributes: Object.keys(member.attributes).filter((k) => !(k in attributes)),
      guideId: v.guideId ?? null,
    };
    setSaving(true);
    try {
      await api.saveMember(member.externalId, patch);
      message.success(t('member.saved'));
      onSaved();
    } catch (e) {
      const err = e as ApiError;
      // the server names the field it refused: mark it where the form has it
      const field = err.field?.split('.')[0];
      if (field && field in initial)
        form.setFields([{ name: field as keyof FormValues, errors: [err.message] }]);
      else message.error(t('member.actionFailed', { error: err.message }));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      width={640}
      title={t('member.editTitle', { id: member.externalId })}
      okText={t('member.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'member-save' } as ButtonProps}
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={save}
        data-testid="member-form"
      >
        <Space.Compact block>
          <Form.Item name="name" label={t('member.name')} style={{ flex: 1 }}>
            <Input maxLength={200} />
          </Form.Item>
        </Space.Compact>
        <Space wrap size={12} style={{ width: '100%' }} className="yt-member-form-row">
          <Form.Item name="phone" label={t('member.phone')}>
            <Input maxLength={40} inputMode="tel" />
          </Form.Item>
          <Form.Item name="email" label={t('member.email')} rules={[{ type: 'email' }]}>
            <Input maxLength={254} />
          </Form.Item>
          <Form.Item name="timezone" label={t('member.timezone')}>
            <Input maxLength={64} placeholder={t('member.timezoneDefault')} />
          </Form.Item>
        </Space>
        <Form.Item name="tags" label={t('member.tags')}>
          <Select
            mode="tags"
            placeholder={t('member.tagsPlaceholder')}
            options={(knownTags.data ?? []).map((k) => ({ value: k.tag, label: `${k.tag}（${k.members}）` }))}
            tokenSeparators={[',', '，']}
            data-testid="member-tags-input"
          />
        </Form.Item>
        <Form.Item name="guideId" label={t('member.guide')}>
          <Select
            allowClear
            placeholder={t('member.guidePlaceholder')}
            loading={guides.loading}
            options={(guides.data ?? []).map((g) => ({
              value: g.id,
              label: `${g.name}${g.store ? ` · ${g.store}` : ''}${g.active ? '' : ` (${t('guides.off')})`}`,
            }))}
          />
        </Form.Item>
        <Form.Item label={t('member.consent')}>
          <Space wrap size={16}>
            {CONSENT_CHANNELS.map((c) => (
              <Space key={c} size={6}>
                <Form.Item name={['consent', c]} valuePropName="checked" noStyle>
                  <Switch size="small" />
                </Form.Item>
                <span>{t(`enum.${c}`)}</span>
              </Space>
            ))}
          </Space>
        </Form.Item>
        <Form.Item label={t('member.attributes')}>
          <Form.List name="attributes">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                    <Form.Item
                      name={[f.name, 'key']}
                      rules={[{ required: true, message: t('member.attrKey') }]}
                    >
                      <Input placeholder={t('member.attrKey')} maxLength={200} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'value']}>
                      <Input placeholder={t('member.attrValue')} style={{ width: 260 }} />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} aria-label="remove" />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ key: '', value: '' })}>
                  {t('member.addAttr')}
                </Button>
              </>
            )}
          </Form.List>
        </Form.Item>
      </Form>
    </Modal>
  );
}
