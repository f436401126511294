import type { TFunction } from 'i18next';
import type { NodeTypeInfo, Problem } from '../api/types';
import { humanize } from '../forms/schema-fields';
import type { Lang } from '../i18n';
import { outputsFor } from './outputs';
import { getPath, schemaAt } from './paths';

/** A problem in the marketer's language: translated by code, field and output names resolved, English as fallback. */
export function problemText(
  t: TFunction,
  lang: Lang,
  p: Problem,
  nodeType: NodeTypeInfo | undefined,
  config: Record<string, unknown> | undefined,
): string {
  const fieldSchema = p.field ? schemaAt(nodeType?.configSchema, p.field) : undefined;
  const lastPart = p.field?.split('.').pop() ?? '';
  const field = fieldSchema?.['x-label']?.[lang] ?? (p.field ? humanize(lastPart) : '');
  const output = outputsFor(nodeType, config ?? {}, lang).find(
    (o) => o.id === p.field || p.message.includes(`"${o.id}"`),
  );
  const value = p.field ? getPath(config, p.field) : undefined;
  const missing = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  const key =
    p.code === 'invalid_config' && !field
      ? 'problem.invalid_config_node'
      : p.code === 'invalid_config' && missing
        ? 'problem.required'
        : `problem.${p.code}`;
  const text = t(key, {
    defaultValue: p.message,
    field,
    output: output?.label ?? p.field ?? '',
    message: p.message,
  });
  return text;
}
