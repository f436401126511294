import CheckCircleFilled from '@ant-design/icons/es/icons/CheckCircleFilled';
import CloseOutlined from '@ant-design/icons/es/icons/CloseOutlined';
import WarningFilled from '@ant-design/icons/es/icons/WarningFilled';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import type { JourneyDocument, JsonSchema, NodeTypeInfo, Problem } from '../api/types';
import { useLang } from '../i18n';
import type { FlowNode } from './document';
import { isSettingsProblem, problemText, settingsProblemText } from './problem-text';

/** The problems list under the canvas; a click focuses the node it is about, or opens the journey settings. */
export function ProblemsPanel({
  problems,
  nodes,
  byType,
  settings,
  settingsSchema,
  open,
  validating,
  onToggle,
  onFocus,
  onOpenSettings,
}: {
  problems: Problem[];
  nodes: FlowNode[];
  byType: Map<string, NodeTypeInfo>;
  settings: JourneyDocument['settings'];
  settingsSchema: JsonSchema;
  open: boolean;
  validating: boolean;
  onToggle(open: boolean): void;
  onFocus(nodeId: string): void;
  onOpenSettings(): void;
}) {
  const { t } = useTranslation();
  const { lang, pick } = useLang();
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  // each problem in words, once: one empty field can break two rules, which read the same
  const rows = new Map<string, { p: Problem; where: string; text: string; ofSettings: boolean }>();
  for (const p of problems) {
    const node = nodeById.get(p.nodeId);
    const nt = node ? byType.get(node.type ?? '') : undefined;
    const ofSettings = isSettingsProblem(p);
    const where = nt
      ? pick(nt.title)
      : node
        ? (node.type ?? '')
        : ofSettings
          ? t('journeySettings.title')
          : t('problems.journey');
    const text = ofSettings
      ? settingsProblemText(t, lang, p, settingsSchema, settings)
      : problemText(t, lang, p, nt, node?.data);
    const key = `${p.nodeId}:${text}`;
    if (!rows.has(key)) rows.set(key, { p, where, text, ofSettings });
  }
  const count = rows.size;
  return (
    <div className={`yt-problems${open ? ' is-open' : ''}`} data-testid="problems">
      <button
        type="button"
        className={`yt-problems__toggle${count ? ' has-errors' : ''}`}
        onClick={() => onToggle(!open)}
        data-testid="problems-toggle"
      >
        {count ? <WarningFilled /> : <CheckCircleFilled />}
        <span>{count ? t('problems.count', { count }) : t('problems.none')}</span>
        {validating && <span className="yt-muted">· {t('problems.checking')}</span>}
      </button>
      {open && count > 0 && (
        <div className="yt-problems__list">
          <div className="yt-problems__head">
            <span>{t('problems.title')}</span>
            <Button type="text" size="small" icon={<CloseOutlined />} onClick={() => onToggle(false)} />
          </div>
          <ul>
            {[...rows].map(([key, { p, where, text, ofSettings }]) => (
              <li key={key}>
                <button
                  type="button"
                  onClick={() =>
                    ofSettings ? onOpenSettings() : nodeById.has(p.nodeId) && onFocus(p.nodeId)
                  }
                  data-testid={`problem-${p.nodeId || 'journey'}-${p.code}`}
                  className="yt-problems__item"
                >
                  <span className="yt-problems__node">{where}</span>
                  <span>{text}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
