import { Tooltip } from 'antd';
import { memo, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NodeCategory, NodeTypeInfo, NodeTypesResponse } from '../api/types';
import { useLang } from '../i18n';
import { NodeIcon } from './node-icon';

const GROUPS: NodeCategory[] = ['trigger', 'flow', 'action'];
interface Props {
  nodeTypes: NodeTypeInfo[];
  /** node files the server could not load: a developer sees why their node is missing */
  problems?: NodeTypesResponse['problems'];
  disabled?: boolean;
  /** while dragging, so the canvas can highlight the edge a drop would split */
  onDragMove(type: string, clientX: number, clientY: number): void;
  onDrop(type: string, clientX: number, clientY: number): void;
  /** a click without dragging adds the node after the selection */
  onClickAdd(type: string): void;
}

/**
 * The node palette, grouped by category. Dragging uses pointer events (not HTML5 drag-and-drop)
 * so the drop point is exact and a drop onto an edge can insert the node there. Every item is also a
 * button for the keyboard: Tab to it, Enter or Space adds the node after the selected one.
 * The handlers are read when called, so the palette only re-renders when the node types change.
 */
export const Palette = memo(
  PaletteImpl,
  (a, b) => a.nodeTypes === b.nodeTypes && a.disabled === b.disabled && a.problems === b.problems,
);

function PaletteImpl({ nodeTypes, problems = [], disabled, onDragMove, onDrop, onClickAdd }: Props) {
  const { t } = useTranslation();
  const { pick } = useLang();
  const [ghost, setGhost] = useState<{ type: NodeTypeInfo; x: number; y: number } | null>(null);
  const drag = useRef<{ type: NodeTypeInfo; x0: number; y0: number; moving: boolean } | null>(null);
  const handlers = useRef({ onDragMove, onDrop, onClickAdd });
  handlers.current = { onDragMove, onDrop, onClickAdd };

  useEffect(() => {
    const move = (e: PointerEvent) => {
      const d = drag.current;
      if (!d) return;
      if (!d.moving && Math.hypot(e.clientX - d.x0, e.clientY - d.y0) < 5) return;
      d.moving = true;
      setGhost({ type: d.type, x: e.clientX, y: e.clientY });
      handlers.current.onDragMove(d.type.type, e.clientX, e.clientY);
    };
    const up = (e: PointerEvent) => {
      const d = drag.current;
      if (!d) return;
      drag.current = null;
      setGhost(null);
      document.body.classList.remove('yt-dragging');
      if (d.moving) handlers.current.onDrop(d.type.type, e.clientX, e.clientY);
      else handlers.current.onClickAdd(d.type.type);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    return () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
  }, []);

  return (
    <aside className="yt-palette" data-testid="palette">
      {GROUPS.map((g) => {
        // each node type says where it goes in its group (`order`); ties by title in the current language
        const items = nodeTypes
          .filter((n) => n.category === g)
          .sort((a, b) => a.order - b.order || pick(a.title).localeCompare(pick(b.title)));
        if (items.length === 0) return null;
        return (
          <section key={g} className="yt-palette__group">
            <div className="yt-palette__group-title">{t(`palette.${g}`)}</div>
            {items.map((n) => (
              <Tooltip key={n.type} title={pick(n.description)} placement="right" mouseEnterDelay={0.6}>
                <button
                  type="button"
                  className={`yt-palette__item${disabled ? ' is-disabled' : ''}`}
                  data-testid={`palette-${n.type}`}
                  disabled={disabled}
                  aria-label={t('palette.add', { title: pick(n.title) })}
                  onKeyDown={(e) => {
                    if (disabled || (e.key !== 'Enter' && e.key !== ' ')) return;
                    e.preventDefault();
                    handlers.current.onClickAdd(n.type);
                  }}
                  onPointerDown={(e) => {
                    if (disabled || e.button !== 0) return;
                    e.preventDefault();
                    document.body.classList.add('yt-dragging');
                    drag.current = { type: n, x0: e.clientX, y0: e.clientY, moving: false };
                  }}
                >
                  <span className="yt-palette__icon" style={{ color: n.color, background: `${n.color}14` }}>
                    <NodeIcon name={n.icon} />
                  </span>
                  <span className="yt-palette__label">{pick(n.title)}</span>
                </button>
              </Tooltip>
            ))}
          </section>
        );
      })}
      <div className="yt-palette__hint">{t('palette.hint')}</div>
      {problems.length > 0 && (
        <Tooltip
          placement="right"
          title={problems.map((p) => (
            <div key={p.source}>
              {p.source}: {p.message}
            </div>
          ))}
        >
          <div className="yt-palette__hint yt-error-text" data-testid="palette-node-problems">
            {t('palette.problems', { count: problems.length })}
          </div>
        </Tooltip>
      )}
      {ghost && (
        <div className="yt-drag-ghost" style={{ left: ghost.x, top: ghost.y, borderColor: ghost.type.color }}>
          <span className="yt-palette__icon" style={{ color: ghost.type.color }}>
            <NodeIcon name={ghost.type.icon} />
          </span>
          {pick(ghost.type.title)}
        </div>
      )}
    </aside>
  );
}
