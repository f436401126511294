import FileAddOutlined from '@ant-design/icons/es/icons/FileAddOutlined';
import type { ButtonProps } from 'antd';
import { App, Form, Input, Modal, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { JourneyTemplate } from '../api/types';
import { useLang } from '../i18n';
import { navigate, paths } from '../shell/router';
import { useAsync } from '../shell/use-async';

const LIFECYCLE = ['welcome', 'activation', 'repurchase', 'winback'];
const lifecycleRank = (id: string) => (LIFECYCLE.includes(id) ? LIFECYCLE.indexOf(id) : LIFECYCLE.length);

/** New journey: a name and a starting point, blank or one of the lifecycle templates. */
export function CreateJourneyModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { pick } = useLang();
  const { message } = App.useApp();
  // in lifecycle order (welcome → activation → repurchase → win-back); new templates follow
  const templates = useAsync(
    () => api.templates().then((list) => [...list].sort((a, b) => lifecycleRank(a.id) - lifecycleRank(b.id))),
    [],
  );
  const [choice, setChoice] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ name: string; description?: string }>();
  const chosen = templates.data?.find((tpl) => tpl.id === choice);

  const submit = async () => {
    // a refused validation shows under its field; it must not escape as an uncaught rejection
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setBusy(true);
    try {
      const j = await api.createJourney({ ...values, templateId: choice || undefined });
      onClose();
      navigate(paths.editor(j.id));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const card = (id: string, title: string, desc: string, tpl?: JourneyTemplate) => (
    <button
      type="button"
      key={id || 'blank'}
      data-testid={`template-${id || 'blank'}`}
      className={`yt-template${choice === id ? ' is-active' : ''}`}
      onClick={() => {
        setChoice(id);
        if (tpl && !form.getFieldValue('name')) form.setFieldValue('name', pick(tpl.name));
      }}
    >
      <div className="yt-template__title">
        {!tpl && <FileAddOutlined />} {title}
      </div>
      <div className="yt-template__desc">{desc}</div>
      {tpl?.needs.includes('couponTemplate') && <Tag color="gold">{t('create.needsCoupon')}</Tag>}
    </button>
  );

  return (
    <Modal
      open={open}
      title={t('create.title')}
      onCancel={onClose}
      onOk={submit}
      okText={t('create.ok')}
      confirmLoading={busy}
      width={720}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'create-journey-ok' } as ButtonProps}
    >
      <div className="yt-template-grid">
        {card('', t('create.blank'), t('create.blankDesc'))}
        {(templates.data ?? []).map((tpl) => card(tpl.id, pick(tpl.name), pick(tpl.description), tpl))}
      </div>
      {chosen?.needs.includes('couponTemplate') && <p className="yt-hint">{t('create.needsCouponHint')}</p>}
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item
          name="name"
          label={t('create.name')}
          rules={[{ required: true, message: t('create.nameRequired') }]}
        >
          <Input data-testid="journey-name-input" placeholder={t('create.namePlaceholder')} maxLength={60} />
        </Form.Item>
        <Form.Item name="description" label={t('create.description')}>
          <Input.TextArea rows={2} maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
