import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { Button, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../auth/session';
import { CouponFormModal } from '../../coupons/coupon-form';
import { useLang } from '../../i18n';
import { useCatalog } from '../../shell/catalog';
import type { WidgetProps } from './widget-props';

/**
 * Coupon template: pick one (its terms in words — 「满 199 减 20」, 「8 折」 — validity and what is left) or create
 * one in place; a new template is in the catalog at once, so the node names it without a reload.
 */
export function CouponPicker({ value, onChange, disabled, testId }: WidgetProps<string>) {
  const { t } = useTranslation();
  const { lang } = useLang();
  const { couponTemplates, addCouponTemplate } = useCatalog();
  const [creating, setCreating] = useState(false);
  const canCreate = useCan('coupons.edit');
  const options = couponTemplates
    // a stopped template stays selectable where it is already chosen, and says so
    .filter((c) => c.status === 'active' || c.id === value)
    .map((c) => ({
      value: c.id,
      label: [
        c.name,
        c.words[lang],
        t('coupon.days', { days: c.validDays }),
        c.remaining !== null ? t('coupon.stock', { stock: c.remaining }) : null,
        c.status === 'stopped' ? t('coupon.stopped') : null,
      ]
        .filter(Boolean)
        .join(' · '),
    }));
  return (
    <div className="yt-row">
      <Select
        value={value || undefined}
        onChange={onChange}
        options={options}
        disabled={disabled}
        placeholder={t('form.couponPlaceholder')}
        showSearch={{ optionFilterProp: 'label' }}
        notFoundContent={t('coupon.noneYet')}
        data-testid={testId}
        style={{ flex: 1, minWidth: 0 }}
      />
      {!disabled && canCreate && (
        <Button
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          title={t('coupon.new')}
          aria-label={t('coupon.new')}
          data-testid={`${testId}-new`}
        />
      )}
      <CouponFormModal
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(c) => {
          addCouponTemplate(c);
          onChange(c.id);
          setCreating(false);
        }}
      />
    </div>
  );
}
