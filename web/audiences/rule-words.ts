import type { LeafRule, SegmentRule } from '../api/types';

type Lang = 'zh' | 'en';
type Filter = { property: string; op: string; value?: unknown };

/** What the words need from outside the rule: the language, and names for ids (audiences, channels). */
export interface RuleWordsContext {
  lang?: Lang;
  /** an audience's name, for "member of another audience" */
  segmentName?(id: string): string | undefined;
}

type ConsentChannel = Extract<LeafRule, { kind: 'consent' }>['channel'];

/** Typed by the engine's channel list: a channel added there without words here fails the build. */
const CHANNELS: Record<ConsentChannel, Record<Lang, string>> = {
  sms: { zh: '短信', en: 'SMS' },
  wechat: { zh: '微信模板消息', en: 'WeChat template messages' },
  wecom: { zh: '企业微信', en: 'WeCom' },
  email: { zh: '邮件', en: 'email' },
  push: { zh: 'App 推送', en: 'app push' },
};

const COMPARE: Record<string, Record<Lang, string>> = {
  eq: { zh: '等于', en: 'is' },
  neq: { zh: '不等于', en: 'is not' },
  gt: { zh: '大于', en: '>' },
  gte: { zh: '大于等于', en: '≥' },
  lt: { zh: '小于', en: '<' },
  lte: { zh: '小于等于', en: '≤' },
  contains: { zh: '包含', en: 'contains' },
};

const COUNT: Record<string, string> = { gte: '≥', gt: '>', lte: '≤', lt: '<', eq: '=' };

function quote(v: unknown, lang: Lang): string {
  if (typeof v === 'string') return lang === 'zh' ? `“${v}”` : `"${v}"`;
  return String(v);
}

function name(text: string, lang: Lang): string {
  return lang === 'zh' ? `「${text}」` : `“${text}”`;
}

/** `city 等于 “上海”`, `city 有值` — an attribute or an event property compared with a value. */
function comparison(key: string, op: string, value: unknown, lang: Lang): string {
  if (op === 'exists') return lang === 'zh' ? `${key} 有值` : `${key} is set`;
  const word = COMPARE[op]?.[lang] ?? op;
  return `${key} ${word} ${value === undefined ? '?' : quote(value, lang)}`;
}

function filters(where: Filter[] | undefined, lang: Lang): string {
  if (!where?.length) return '';
  const parts = where.map((f) => comparison(f.property, f.op, f.value, lang));
  return lang === 'zh' ? `（${parts.join('，')}）` : ` (${parts.join(', ')})`;
}

function n(days: number | undefined): string {
  return days === undefined ? '?' : String(days);
}

/** One condition in words. */
export function leafInWords(rule: LeafRule, ctx: RuleWordsContext = {}): string {
  const lang = ctx.lang ?? 'zh';
  const zh = lang === 'zh';
  switch (rule.kind) {
    case 'tag':
      if (rule.op === 'has') return zh ? `有标签${name(rule.tag, lang)}` : `has tag ${name(rule.tag, lang)}`;
      return zh ? `没有标签${name(rule.tag, lang)}` : `lacks tag ${name(rule.tag, lang)}`;
    case 'attribute':
      return comparison(rule.key, rule.op, rule.value, lang);
    case 'attribute_date': {
      const d = rule.days;
      switch (rule.op) {
        case 'within_next_days':
          return zh ? `${rule.key} 在未来 ${d} 天内` : `${rule.key} within the next ${d} days`;
        case 'within_last_days':
          return zh ? `${rule.key} 在过去 ${d} 天内` : `${rule.key} within the last ${d} days`;
        case 'more_than_days_ago':
          return zh ? `${rule.key} 早于 ${d} 天前` : `${rule.key} more than ${d} days ago`;
        case 'anniversary_within_days':
          return zh ? `${rule.key} 的周年日在未来 ${d} 天内` : `${rule.key} anniversary within ${d} days`;
      }
      break;
    }
    case 'consent': {
      const ch = CHANNELS[rule.channel]?.[lang] ?? rule.channel;
      if (rule.value) return zh ? `同意接收${ch}` : `accepts ${ch}`;
      return zh ? `不接收${ch}（已退订）` : `opted out of ${ch}`;
    }
    case 'event_count':
      return zh
        ? `近 ${rule.days} 天 ${rule.event}${filters(rule.where, lang)} 次数 ${COUNT[rule.op]} ${rule.value}`
        : `${rule.event}${filters(rule.where, lang)} ${COUNT[rule.op]} ${rule.value} times in the last ${rule.days} days`;
    case 'event_sum':
      return zh
        ? `近 ${rule.days} 天 ${rule.event}${filters(rule.where, lang)} 的 ${rule.property} 合计 ${COUNT[rule.op]} ${rule.value}`
        : `total ${rule.property} of ${rule.event}${filters(rule.where, lang)} ${COUNT[rule.op]} ${rule.value} in the last ${rule.days} days`;
    case 'last_event':
      switch (rule.op) {
        case 'within_days':
          return zh
            ? `近 ${n(rule.days)} 天内发生过 ${rule.event}`
            : `did ${rule.event} in the last ${n(rule.days)} days`;
        case 'none_within_days':
          return zh
            ? `近 ${n(rule.days)} 天未发生 ${rule.event}`
            : `no ${rule.event} in the last ${n(rule.days)} days`;
        case 'more_than_days_ago':
          return zh
            ? `最近一次 ${rule.event} 超过 ${n(rule.days)} 天前`
            : `last ${rule.event} more than ${n(rule.days)} days ago`;
        case 'never':
          return zh ? `从未发生 ${rule.event}` : `never did ${rule.event}`;
        case 'ever':
          return zh ? `发生过 ${rule.event}` : `ever did ${rule.event}`;
      }
      break;
    case 'registered':
      if (rule.op === 'more_than_days_ago')
        return zh ? `注册超过 ${rule.days} 天` : `registered more than ${rule.days} days ago`;
      return zh ? `近 ${rule.days} 天内注册` : `registered in the last ${rule.days} days`;
    case 'segment': {
      const label = ctx.segmentName?.(rule.segmentId);
      const who = label ? name(label, lang) : zh ? '（未知人群）' : '(unknown audience)';
      if (rule.op === 'in') return zh ? `属于人群${who}` : `in audience ${who}`;
      return zh ? `不属于人群${who}` : `not in audience ${who}`;
    }
  }
  return (rule as { kind: string }).kind;
}

/**
 * An audience rule in words, as the canvas and the audience list show it: groups joined by 且 / 或, inner
 * groups in brackets.
 * @example rulesInWords({ kind: 'all', rules: [{ kind: 'last_event', event: 'order_paid', op: 'more_than_days_ago', days: 90 }] })
 * // "最近一次 order_paid 超过 90 天前"
 */
export function rulesInWords(rule: SegmentRule, ctx: RuleWordsContext = {}): string {
  const lang = ctx.lang ?? 'zh';
  const walk = (r: SegmentRule, top: boolean): string => {
    if (!('rules' in r)) return leafInWords(r, ctx);
    if (r.rules.length === 0) return lang === 'zh' ? '（空条件组）' : '(empty group)';
    if (r.rules.length === 1) return walk(r.rules[0], top);
    const sep = r.kind === 'all' ? (lang === 'zh' ? ' 且 ' : ' and ') : lang === 'zh' ? ' 或 ' : ' or ';
    const text = r.rules.map((x) => walk(x, false)).join(sep);
    if (top) return text;
    return lang === 'zh' ? `（${text}）` : `(${text})`;
  };
  return walk(rule, true);
}
