import { CheckCircleFilled, CloseOutlined, WarningFilled } from '@ant-design/icons';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import type { NodeTypeInfo, Problem } from '../api/types';
import { useLang } from '../i18n';
import type { FlowNode } from './document';
import { problemText } from './problem-text';

/** The problems list under the canvas; a click focuses the node it is about. */
export function ProblemsPanel({
  problems,
  nodes,
  byType,
  open,
  validating,
  onToggle,
  onFocus,
}: {
  problems: Problem[];
  nodes: FlowNode[];
  byType: Map<string, NodeTypeInfo>;
  open: boolean;
  validating: boolean;
  onToggle(open: boolean): void;
  onFocus(nodeId: string): void;
}) {
  const { t } = useTranslation();
  const { lang, pick } = useLang();
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const count = problems.length;
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
            {problems.map((p) => {
              const node = nodeById.get(p.nodeId);
              const nt = node ? byType.get(node.type ?? '') : undefined;
              return (
                <li key={`${p.nodeId}:${p.code}:${p.field ?? ''}:${p.message}`}>
                  <button
                    type="button"
                    onClick={() => node && onFocus(p.nodeId)}
                    data-testid={`problem-${p.nodeId}-${p.code}`}
                    className="yt-problems__item"
                  >
                    <span className="yt-problems__node">
                      {nt ? pick(nt.title) : node ? node.type : t('problems.journey')}
                    </span>
                    <span>{problemText(t, lang, p, nt, node?.data)}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </div>
  );
}
