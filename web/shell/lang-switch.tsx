import { Segmented } from 'antd';
import { setLang, useLang } from '../i18n';

/** 中文 / EN, at the top right of every page that has a header. */
export function LangSwitch() {
  const { lang } = useLang();
  return (
    <Segmented
      size="small"
      data-testid="lang-switch"
      value={lang}
      onChange={(v) => setLang(v as 'zh' | 'en')}
      options={[
        { label: '中文', value: 'zh' },
        { label: 'EN', value: 'en' },
      ]}
    />
  );
}
