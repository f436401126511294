import { Alert, Form, Input, InputNumber, Modal, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CouponTemplate } from '../api/types';
import { useLang } from '../i18n';
import { couponErrorText, discountRate, termsText } from './coupon-words';
import { type CouponTemplateInput, couponsApi } from './coupons-api';

interface FormValues {
  name: string;
  kind: CouponTemplate['kind'];
  /** yuan off (直减, 满减) */
  amount?: number;
  threshold?: number;
  /** 「8 折」 typed as 8 (or 8.5, or the rate 0.8) */
  zhe?: number;
  validDays: number;
  stock?: number | null;
  addStock?: number | null;
}

/**
 * Create a coupon template (满减 / 直减 / 折扣 with its words previewed as the member will read them), or edit
 * one: name, validity and stock; its terms stay (issued coupons carry them — a new offer is a new template).
 */
export function CouponFormModal({
  open,
  editing,
  onClose,
  onSaved,
}: {
  open: boolean;
  /** the template to edit; absent: a new one */
  editing?: CouponTemplate | null;
  onClose(): void;
  onSaved(t: CouponTemplate): void;
}) {
  const { t } = useTranslation();
  const { lang } = useLang();
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const kind = Form.useWatch('kind', form) ?? editing?.kind ?? 'threshold';
  const amount = Form.useWatch('amount', form);
  const threshold = Form.useWatch('threshold', form);
  const zhe = Form.useWatch('zhe', form);
  const preview = editing
    ? editing.words[lang]
    : termsText(t, { kind, value: kind === 'discount' ? discountRate(zhe) : amount, threshold });

  const save = async () => {
    const v = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      const saved = editing
        ? await couponsApi.update(editing.id, {
            name: v.name,
            validDays: v.validDays,
            ...(editing.stock === null
              ? v.stock
                ? { stock: v.stock }
                : {}
              : v.addStock
                ? { addStock: v.addStock }
                : {}),
          })
        : await couponsApi.create(toInput(v));
      onSaved(saved);
      form.resetFields();
    } catch (e) {
      setError(couponErrorText(t, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={editing ? t('coupon.edit') : t('coupon.new')}
      onOk={save}
      okText={t('coupon.save')}
      confirmLoading={saving}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        data-testid="coupon-form"
        initialValues={
          editing
            ? { name: editing.name, kind: editing.kind, validDays: editing.validDays }
            : { kind: 'threshold', threshold: 199, amount: 20, zhe: 8, validDays: 7 }
        }
      >
        <Form.Item
          name="name"
          label={t('coupon.name')}
          rules={[{ required: true, message: t('coupon.nameRequired') }]}
        >
          <Input placeholder={t('coupon.namePlaceholder')} maxLength={100} data-testid="coupon-name" />
        </Form.Item>
        {editing ? (
          <Form.Item label={t('coupon.terms')}>
            <Typography.Text strong>{editing.words[lang]}</Typography.Text>
            <Typography.Text type="secondary"> · {t('coupon.termsFixed')}</Typography.Text>
          </Form.Item>
        ) : (
          <>
            <Form.Item name="kind" label={t('coupon.kind')}>
              <Radio.Group
                optionType="button"
                data-testid="coupon-kind"
                options={[
                  { value: 'threshold', label: t('coupon.kinds.threshold') },
                  { value: 'amount', label: t('coupon.kinds.amount') },
                  { value: 'discount', label: t('coupon.kinds.discount') },
                ]}
              />
            </Form.Item>
            {kind === 'threshold' && (
              <Space align="start" wrap>
                <Form.Item
                  name="threshold"
                  label={t('coupon.threshold')}
                  rules={[
                    { required: true, message: t('coupon.thresholdRequired') },
                    {
                      validator: (_, v) =>
                        v && amount && v <= amount
                          ? Promise.reject(new Error(t('coupon.thresholdAboveAmount')))
                          : Promise.resolve(),
                    },
                  ]}
                >
                  <InputNumber
                    min={0.01}
                    max={1_000_000}
                    prefix={t('coupon.full')}
                    suffix={t('coupon.yuan')}
                    data-testid="coupon-threshold"
                  />
                </Form.Item>
                <Form.Item
                  name="amount"
                  label={t('coupon.amountOff')}
                  rules={[{ required: true, message: t('coupon.amountRequired') }]}
                >
                  <InputNumber
                    min={0.01}
                    max={1_000_000}
                    prefix={t('coupon.minus')}
                    suffix={t('coupon.yuan')}
                    data-testid="coupon-amount"
                  />
                </Form.Item>
              </Space>
            )}
            {kind === 'amount' && (
              <Form.Item
                name="amount"
                label={t('coupon.amountOff')}
                rules={[{ required: true, message: t('coupon.amountRequired') }]}
              >
                <InputNumber
                  min={0.01}
                  max={1_000_000}
                  suffix={t('coupon.yuan')}
                  data-testid="coupon-amount"
                />
              </Form.Item>
            )}
            {kind === 'discount' && (
              <Form.Item
                name="zhe"
                label={t('coupon.zhe')}
                extra={t('coupon.zheHelp')}
                rules={[
                  { required: true, message: t('coupon.zheRequired') },
                  {
                    validator: (_, v) =>
                      v === undefined || v === null || discountRate(v) !== undefined
                        ? Promise.resolve()
                        : Promise.reject(new Error(t('coupon.zheInvalid'))),
                  },
                ]}
              >
                <InputNumber
                  min={0.01}
                  max={9.9}
                  step={0.5}
                  suffix={t('coupon.zheUnit')}
                  data-testid="coupon-zhe"
                />
              </Form.Item>
            )}
          </>
        )}
        {preview && (
          <Alert
            type="info"
            showIcon
            data-testid="coupon-preview"
            title={t('coupon.preview', { words: preview })}
          />
        )}
        <Space align="start" wrap style={{ marginTop: 16 }}>
          <Form.Item
            name="validDays"
            label={t('coupon.validDays')}
            rules={[{ required: true, message: t('coupon.validDaysRequired') }]}
          >
            <InputNumber min={1} max={3650} suffix={t('coupon.dayUnit')} data-testid="coupon-valid-days" />
          </Form.Item>
          {!editing && (
            <Form.Item name="stock" label={t('coupon.stockLimit')}>
              <InputNumber
                min={0}
                max={2_000_000_000}
                placeholder={t('coupon.unlimited')}
                data-testid="coupon-stock"
              />
            </Form.Item>
          )}
          {editing && editing.stock !== null && (
            <Form.Item
              name="addStock"
              label={t('coupon.addStock')}
              extra={t('coupon.stockNow', { stock: editing.stock, issued: editing.issued })}
            >
              <InputNumber min={1} max={10_000_000} data-testid="coupon-add-stock" />
            </Form.Item>
          )}
          {editing && editing.stock === null && (
            <Form.Item
              name="stock"
              label={t('coupon.stockLimit')}
              extra={t('coupon.issuedSoFar', { issued: editing.issued })}
            >
              <InputNumber
                min={editing.issued}
                max={2_000_000_000}
                placeholder={t('coupon.unlimited')}
                data-testid="coupon-stock"
              />
            </Form.Item>
          )}
        </Space>
        {error && <Alert type="error" showIcon title={error} data-testid="coupon-form-error" />}
      </Form>
    </Modal>
  );
}

function toInput(v: FormValues): CouponTemplateInput {
  const base = { name: v.name, validDays: v.validDays, stock: v.stock ?? null };
  if (v.kind === 'discount') return { ...base, kind: 'discount', value: discountRate(v.zhe) ?? 0 };
  if (v.kind === 'threshold')
    return { ...base, kind: 'threshold', value: v.amount ?? 0, threshold: v.threshold ?? null };
  return { ...base, kind: 'amount', value: v.amount ?? 0 };
}
