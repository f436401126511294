import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { App, Button, Form, Input, InputNumber, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useCan } from '../../auth/session';
import { useCatalog } from '../../shell/catalog';
import type { WidgetProps } from './widget-props';

/** Coupon template: pick one (with value, validity and stock shown) or create a new one in place. */
export function CouponPicker({ value, onChange, disabled, testId }: WidgetProps<string>) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { couponTemplates, refresh } = useCatalog();
  const [creating, setCreating] = useState(false);
  const canCreate = useCan('coupons.edit');
  const [form] = Form.useForm();
  const options = couponTemplates.map((c) => ({
    value: c.id,
    label: `${c.name} · ${c.kind === 'amount' ? `¥${c.value}` : t('coupon.percentOff', { value: c.value })} · ${t('coupon.days', { days: c.validDays })}${c.stock !== null ? ` · ${t('coupon.stock', { stock: c.stock - c.issued })}` : ''}`,
  }));
  const create = async () => {
    const v = await form.validateFields();
    try {
      const c = await api.createCouponTemplate(v);
      refresh();
      onChange(c.id);
      setCreating(false);
      form.resetFields();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  return (
    <div className="yt-row">
      <Select
        value={value || undefined}
        onChange={onChange}
        options={options}
        disabled={disabled}
        placeholder={t('form.couponPlaceholder')}
        showSearch={{ optionFilterProp: 'label' }}
        data-testid={testId}
        style={{ flex: 1, minWidth: 0 }}
      />
      {!disabled && canCreate && (
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} title={t('coupon.new')} />
      )}
      <Modal
        open={creating}
        title={t('coupon.new')}
        onOk={create}
        onCancel={() => setCreating(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ kind: 'amount', value: 20, validDays: 7 }}>
          <Form.Item name="name" label={t('coupon.name')} rules={[{ required: true }]}>
            <Input placeholder={t('coupon.namePlaceholder')} />
          </Form.Item>
          <Form.Item name="kind" label={t('coupon.kind')}>
            <Radio.Group
              options={[
                { value: 'amount', label: t('coupon.amount') },
                { value: 'percent', label: t('coupon.percent') },
              ]}
            />
          </Form.Item>
          <Form.Item name="value" label={t('coupon.value')} rules={[{ required: true }]}>
            <InputNumber min={1} />
          </Form.Item>
          <Form.Item name="validDays" label={t('coupon.validDays')} rules={[{ required: true }]}>
            <InputNumber min={1} />
          </Form.Item>
          <Form.Item name="stock" label={t('coupon.stockLimit')}>
            <InputNumber min={1} placeholder={t('coupon.unlimited')} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
