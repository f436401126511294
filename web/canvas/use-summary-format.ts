import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import { formatWeekdays, type SummaryFormat } from './summary';

/** The summary formatter for the current language: enum values via `enum.*`, coupon ids via the catalog. */
export function useSummaryFormat(): SummaryFormat {
  const { t, i18n } = useTranslation();
  const { lang } = useLang();
  const { couponTemplates } = useCatalog();
  return useMemo(
    () => ({
      lang,
      enumLabel: (v: string) => (i18n.exists(`enum.${v}`) ? t(`enum.${v}`) : undefined),
      couponLabel: (id: string) => {
        const c = couponTemplates.find((x) => x.id === id);
        if (!c) return undefined;
        const value = c.kind === 'amount' ? `¥${c.value}` : t('coupon.percentOff', { value: c.value });
        return t('coupon.summary', { name: c.name, value, days: c.validDays });
      },
      notSet: t('node.notSet'),
      weekdays: (days: number[]) =>
        formatWeekdays(days, {
          name: (d) => t(`weekday.name.${d}`),
          workdays: t('weekday.workdays'),
          weekend: t('weekday.weekend'),
          everyDay: t('weekday.everyDay'),
          sep: lang === 'zh' ? '、' : ', ',
        }),
      holdout: (percent: number) => t('node.holdout', { percent }),
    }),
    [lang, t, i18n, couponTemplates],
  );
}
