import type { TFunction } from 'i18next';
import type { JsonSchema, NodeTypeInfo, Problem } from '../api/types';
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
  const outputs = outputsFor(nodeType, config ?? {}, lang);
  return describeProblem(t, lang, p, {
    schema: nodeType?.configSchema,
    config,
    field: p.field,
    output: (id) => outputs.find((o) => o.id === id || p.message.includes(`"${o.id}"`))?.label,
  });
}

/** The journey's own settings live under `settings.` in problems; the panel's fields do not. */
export const SETTINGS_PREFIX = 'settings.';

/** A journey-level problem about `document.settings` (goal, exits, priority). */
export function isSettingsProblem(p: Problem): boolean {
  return p.nodeId === '' && !!p.field && (p.field === 'settings' || p.field.startsWith(SETTINGS_PREFIX));
}

/** A settings problem in words, its field named by the settings schema's labels (转化事件, 退出条件…). */
export function settingsProblemText(
  t: TFunction,
  lang: Lang,
  p: Problem,
  schema: JsonSchema | undefined,
  settings: Record<string, unknown> | undefined,
): string {
  const field = p.field?.startsWith(SETTINGS_PREFIX) ? p.field.slice(SETTINGS_PREFIX.length) : undefined;
  return describeProblem(t, lang, p, { schema, config: settings, field, output: () => undefined });
}

/**
 * Settings problems by the panel's field path (`goal.event`, `exits.0.tag`), in words, for the generated
 * form to mark its fields; problems about the settings as a whole are under ''.
 */
export function settingsFieldErrors(
  problems: Problem[],
  text: (p: Problem) => string,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of problems.filter(isSettingsProblem)) {
    const path = p.field!.startsWith(SETTINGS_PREFIX) ? p.field!.slice(SETTINGS_PREFIX.length) : '';
    out.set(path, [...(out.get(path) ?? []), text(p)]);
  }
  return out;
}

function describeProblem(
  t: TFunction,
  lang: Lang,
  p: Problem,
  ctx: {
    schema: JsonSchema | undefined;
    config: Record<string, unknown> | undefined;
    /** the field's path inside `config` */
    field: string | undefined;
    /** an output's label, for output problems */
    output(id: string | undefined): string | undefined;
  },
): string {
  const fieldSchema = ctx.field ? schemaAt(ctx.schema, ctx.field) : undefined;
  const lastPart = ctx.field?.split('.').pop() ?? '';
  const field = fieldSchema?.['x-label']?.[lang] ?? (ctx.field ? humanize(lastPart) : '');
  const out = ctx.output(p.field);
  const value = ctx.field ? getPath(ctx.config, ctx.field) : undefined;
  const missing = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  const invalidField = p.code === 'invalid_config' || p.code === 'invalid_settings';
  const key =
    p.code === 'invalid_config' && !field
      ? 'problem.invalid_config_node'
      : invalidField && missing
        ? p.code === 'invalid_settings'
          ? 'problem.settingsRequired'
          : 'problem.required'
        : `problem.${p.code}`;
  return t(key, {
    defaultValue: p.message,
    field,
    output: out ?? p.field ?? '',
    message: checkMessageText(t, p.message),
  });
}

/**
 * The English reasons node types give for cross-field checks, in the UI language where we know them
 * (a split's percentages and holdout, a comparison without a value); others are shown as given.
 */
export function checkMessageText(t: TFunction, message: string): string {
  const total = /^percentages add up to (\d+), not 100$/.exec(message);
  if (total) return t('checkMessage.percentTotal', { total: total[1] });
  const form =
    /^(\w+) is configured: its provider sends only its own message form \(content\), fill it in$/.exec(
      message,
    );
  if (form)
    return t('checkMessage.channelForm', { channel: t(`enum.${form[1]}`, { defaultValue: form[1] }) });
  const secret = /^the workspace has no secret named (\S+) \(an admin adds it in settings\)$/.exec(message);
  if (secret) return t('checkMessage.noSecret', { name: secret[1] });
  const known: Record<string, string> = {
    'a holdout is at most 50%': 'checkMessage.holdoutMax',
    'a split has at most one holdout group': 'checkMessage.oneHoldout',
    'a split needs at least two groups': 'checkMessage.twoGroups',
    'a value is needed for this comparison': 'checkMessage.valueNeeded',
  };
  return known[message] ? t(known[message]) : message;
}
