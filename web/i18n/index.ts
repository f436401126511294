import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import type { Localized } from '../api/types';
import en from './en.json';
import zh from './zh.json';

export type Lang = 'zh' | 'en';
const STORAGE_KEY = 'yutang.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh') return saved;
  } catch {
    // storage may be unavailable (private mode); Chinese is the default
  }
  return 'zh';
}

i18n.use(initReactI18next).init({
  resources: { zh: { translation: zh }, en: { translation: en } },
  lng: initialLang(),
  fallbackLng: 'zh',
  interpolation: { escapeValue: false },
});

/** Date and time pickers name months and weekdays in the UI language (dayjs, which Ant Design uses). */
function setDayjsLocale(lang: Lang): void {
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
}
setDayjsLocale(i18n.language === 'en' ? 'en' : 'zh');

export function setLang(lang: Lang): void {
  void i18n.changeLanguage(lang);
  setDayjsLocale(lang);
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // ignore
  }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** The current language and a picker for `{zh, en}` strings that come from the API. */
export function useLang(): { lang: Lang; pick: (s: Localized | null | undefined) => string } {
  const { i18n: inst } = useTranslation();
  const lang: Lang = inst.language === 'en' ? 'en' : 'zh';
  return { lang, pick: (s) => (s ? (s[lang] ?? s.zh ?? '') : '') };
}

export default i18n;
