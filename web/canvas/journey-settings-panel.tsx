import CloseOutlined from '@ant-design/icons/es/icons/CloseOutlined';
import SettingOutlined from '@ant-design/icons/es/icons/SettingOutlined';
import { Alert, Button } from 'antd';
import { type RefObject, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { JourneyDocument, Problem } from '../api/types';
import { ConfigForm } from '../forms/config-form';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import { settingsFieldErrors, settingsProblemText } from './problem-text';
import { useDraft } from './use-draft';

const NONE: Record<string, unknown> = {};

/**
 * 旅程设置: the journey's own rules — goal, exit criteria, priority — as a form generated from the schema the
 * API serves (`journeySettings.configSchema`), like node forms. Edits go into the draft's `settings` with undo;
 * problems the compiler names under `settings.*` mark their field.
 */
export function JourneySettingsPanel({
  settings,
  problems,
  readOnly,
  onChange,
  onClose,
  flushRef,
}: {
  settings: JourneyDocument['settings'];
  problems: Problem[];
  readOnly: boolean;
  onChange(settings: Record<string, unknown>): void;
  onClose(): void;
  flushRef?: RefObject<(() => boolean) | null>;
}) {
  const { t } = useTranslation();
  const { lang } = useLang();
  const { journeySettings } = useCatalog();
  const schema = journeySettings.configSchema;
  // the form shows what a journey starts with (no exits, priority 5) until the marketer changes it
  const shown = useMemo(
    () => ({ ...journeySettings.defaults, ...(settings ?? NONE) }) as Record<string, unknown>,
    [journeySettings.defaults, settings],
  );
  const [data, edit] = useDraft(shown, onChange, flushRef);
  const errors = useMemo(
    () => settingsFieldErrors(problems, (p) => settingsProblemText(t, lang, p, schema, data)),
    [problems, t, lang, schema, data],
  );
  const general = [...errors]
    .filter(([path]) => !schema.properties?.[path.split('.')[0]])
    .flatMap(([, m]) => m);

  return (
    <aside
      className="yt-panel"
      data-testid="journey-settings-panel"
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('.ant-select-open'))
          onClose();
      }}
    >
      <header className="yt-panel__head">
        <span className="yt-node__icon" style={{ background: '#475569' }}>
          <SettingOutlined />
        </span>
        <div className="yt-panel__title">
          <div>{t('journeySettings.title')}</div>
          <div className="yt-muted yt-panel__id">{t('journeySettings.subtitle')}</div>
        </div>
        <Button type="text" icon={<CloseOutlined />} onClick={onClose} aria-label={t('editor.close')} />
      </header>
      <div className="yt-panel__body">
        <p className="yt-panel__desc">{t('journeySettings.help')}</p>
        {general.length > 0 && (
          <Alert
            type="error"
            showIcon
            className="yt-panel__alert"
            title={
              <ul className="yt-plain-list">
                {general.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            }
          />
        )}
        <ConfigForm schema={schema} value={data} onChange={edit} env={{ errors, readOnly, nodeId: '' }} />
      </div>
    </aside>
  );
}
