import { CloseOutlined, DeleteOutlined } from '@ant-design/icons';
import { Alert, Button, Tooltip } from 'antd';
import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NodeTypeInfo, Problem } from '../api/types';
import { ConfigForm } from '../forms/config-form';
import { useLang } from '../i18n';
import type { FlowNode } from './document';
import { NodeIcon } from './node-icon';
import { problemText } from './problem-text';

/** How long typing may pause before the form's value reaches the canvas, the undo history and autosave. */
const COMMIT_DELAY = 250;

/**
 * The form edits a local copy of the node's config, so a keystroke re-renders only this panel; the copy is
 * committed to the journey after a short pause, when the panel closes, and whenever `flushRef` is called
 * (publish, save, undo…). Changes from elsewhere (undo, paste) replace the copy unless an edit is pending.
 */
function useDraft(
  data: Record<string, unknown>,
  onChange: (data: Record<string, unknown>) => void,
  flushRef?: RefObject<(() => boolean) | null>,
) {
  const [draft, setDraft] = useState(data);
  const committed = useRef(data);
  const pending = useRef<Record<string, unknown> | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  if (data !== committed.current) {
    committed.current = data;
    if (!pending.current) setDraft(data);
  }

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    const next = pending.current;
    if (!next) return false;
    pending.current = null;
    committed.current = next;
    onChangeRef.current(next);
    return true;
  }, []);

  const edit = useCallback(
    (next: Record<string, unknown>) => {
      pending.current = next;
      setDraft(next);
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, COMMIT_DELAY);
    },
    [flush],
  );

  useEffect(() => {
    if (flushRef) flushRef.current = flush;
    return () => {
      if (flushRef?.current === flush) flushRef.current = null;
      flush();
    };
  }, [flush, flushRef]);

  return [draft, edit] as const;
}

/** The selected node's settings. It floats over the canvas so opening it never shifts the layout. */
export function ConfigPanel({
  node,
  nodeType,
  problems,
  readOnly,
  onChange,
  onDelete,
  onClose,
  onEscape,
  flushRef,
}: {
  node: FlowNode;
  nodeType: NodeTypeInfo | undefined;
  problems: Problem[];
  readOnly: boolean;
  onChange(data: Record<string, unknown>): void;
  onDelete(): void;
  onClose(): void;
  /** Esc in the panel (a dropdown that is open handles its own Esc): close and go back to the node */
  onEscape?(): void;
  /** Set to a function that commits a pending edit at once (true when there was one). */
  flushRef?: RefObject<(() => boolean) | null>;
}) {
  const { t } = useTranslation();
  const { lang, pick } = useLang();
  const [data, edit] = useDraft(node.data, onChange, flushRef);
  const fieldErrors = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const p of problems)
      if (p.field) m.set(p.field, [...(m.get(p.field) ?? []), problemText(t, lang, p, nodeType, data)]);
    return m;
  }, [problems, t, lang, nodeType, data]);
  const general = problems.filter(
    (p) => !p.field || !nodeType?.configSchema.properties?.[p.field.split('.')[0]],
  );

  return (
    <aside
      className="yt-panel"
      data-testid="config-panel"
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('.ant-select-open'))
          (onEscape ?? onClose)();
      }}
    >
      <header className="yt-panel__head">
        <span className="yt-node__icon" style={{ background: nodeType?.color ?? '#8c8c8c' }}>
          <NodeIcon name={nodeType?.icon ?? 'QuestionOutlined'} />
        </span>
        <div className="yt-panel__title">
          <div>{nodeType ? pick(nodeType.title) : node.type}</div>
          <div className="yt-muted yt-panel__id">{node.id}</div>
        </div>
        {!readOnly && (
          <Tooltip title={t('editor.deleteNode')}>
            <Button type="text" icon={<DeleteOutlined />} onClick={onDelete} data-testid="delete-node" />
          </Tooltip>
        )}
        <Button type="text" icon={<CloseOutlined />} onClick={onClose} aria-label={t('editor.close')} />
      </header>
      <div className="yt-panel__body">
        {nodeType && <p className="yt-panel__desc">{pick(nodeType.description)}</p>}
        {general.length > 0 && (
          <Alert
            type="error"
            showIcon
            className="yt-panel__alert"
            title={
              <ul className="yt-plain-list">
                {general.map((p) => (
                  <li key={`${p.code}:${p.field ?? ''}:${p.message}`}>
                    {problemText(t, lang, p, nodeType, data)}
                  </li>
                ))}
              </ul>
            }
          />
        )}
        {nodeType ? (
          <ConfigForm
            schema={nodeType.configSchema}
            value={data}
            onChange={edit}
            env={{ errors: fieldErrors, readOnly, nodeId: node.id }}
          />
        ) : (
          <Alert type="warning" title={t('node.unknownType', { type: node.type })} />
        )}
      </div>
    </aside>
  );
}
