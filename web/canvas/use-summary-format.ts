import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { rulesInWords } from '../audiences/rule-words';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import { formatWeekdays, type SummaryFormat } from './summary';

/** The summary formatter for the current language: enum values via `enum.*`, coupon ids via the catalog. */
export function useSummaryFormat(): SummaryFormat {
  const { t, i18n } = useTranslation();
  const { lang } = useLang();
  const { couponTemplates, segments, loaded } = useCatalog();
  return useMemo(
    () => ({
      lang,
      enumLabel: (v: string) => (i18n.exists(`enum.${v}`) ? t(`enum.${v}`) : undefined),
      couponLabel: (id: string) => {
        const c = couponTemplates.find((x) => x.id === id);
        // never the id: a template this workspace does not have (deleted, or a pasted journey) says so
        if (!c) return id ? t(loaded ? 'coupon.unknown' : 'coupon.loading') : undefined;
        const stopped = c.status === 'stopped' ? ` · ${t('coupon.stopped')}` : '';
        return `${t('coupon.summary', { name: c.name, words: c.words[lang], days: c.validDays })}${stopped}`;
      },
      segmentLabel: (id: string) => {
        const s = segments.find((x) => x.id === id);
        if (!s) return undefined;
        const names = new Map(segments.map((x) => [x.id, x.name]));
        const words = rulesInWords(s.rule, { lang, segmentName: (x) => names.get(x) });
        return lang === 'zh' ? `${s.name}（${words}）` : `${s.name} (${words})`;
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
      linkWord: t('form.linkSummary'),
      eventLabel: (name: string) => {
        const label = t(`events.${name}`, { defaultValue: '' });
        return label ? t('events.named', { event: label, name }) : undefined;
      },
      variableLabel: (path: string) => {
        const label = t(`variables.${path}`, { defaultValue: '' });
        return typeof label === 'string' && label ? label : undefined;
      },
    }),
    [lang, t, i18n, couponTemplates, segments, loaded],
  );
}
