import CloseOutlined from '@ant-design/icons/es/icons/CloseOutlined';
import DeleteOutlined from '@ant-design/icons/es/icons/DeleteOutlined';
import { Alert, Button, Tooltip } from 'antd';
import { type RefObject, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { NodeTypeInfo, Problem } from '../api/types';
import { ConfigForm } from '../forms/config-form';
import { useLang } from '../i18n';
import { paths, useRoute } from '../shell/router';
import type { FlowNode } from './document';
import { NodeIcon } from './node-icon';
import { problemText } from './problem-text';
import { useDraft } from './use-draft';

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
  const route = useRoute();
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
        {/* a list trigger takes its members from the journey's runs page once published: say where */}
        {node.type === 'trigger.manual' && route.name === 'editor' && (
          <Alert
            type="info"
            showIcon
            className="yt-panel__alert"
            data-testid="manual-trigger-hint"
            title={
              <span>
                {t('broadcast.hint')}{' '}
                <a href={paths.journeyRuns(route.journeyId)}>{t('broadcast.hintLink')}</a>
              </span>
            }
          />
        )}
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
