import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { KEY_MAX_LENGTH, safeText } from '../api/validate.js';
import { CHANNELS, channelLabels } from '../channels/channels.js';
import type { FrequencyCap, QuietHours } from '../guard/guard-rules.js';
import { enumLabels, label, timeOfDay, timeZone } from '../nodes/schemas.js';
import { privateAddressesAllowed, privateAddressSwitch } from './private-addresses.js';

const capChannel = z.enum(['all', ...CHANNELS]).meta({
  ...label('渠道', 'Channel'),
  ...enumLabels({ all: { zh: '全部渠道', en: 'All channels' }, ...channelLabels }),
});

/**
 * Member attributes a workspace starts out treating as personal data, beside the contact and identity keys that
 * always are (phones, emails, WeChat ids, ID numbers, addresses under any spelling: engine/auth/mask.ts).
 */
export const DEFAULT_PERSONAL_ATTRIBUTES = ['birthday', 'real_name'] as const;

/**
 * Workspace-wide rules every journey follows: the default time zone, quiet hours and frequency caps; and
 * which member attributes are personal data.
 */
export const workspaceSettingsSchema = z.object({
  timezone: timeZone.meta(
    label('默认时区（会员未设置时区时使用）', 'Default time zone (for members without one)'),
  ),
  quietHours: z
    .object({
      start: timeOfDay.meta(label('开始', 'Start')),
      end: timeOfDay.meta(label('结束', 'End')),
    })
    .refine((q) => q.start !== q.end, { message: 'quiet hours cannot start where they end', path: ['end'] })
    .nullable()
    .meta(label('免打扰时段（会员当地时间）', 'Quiet hours (member-local)')),
  frequencyCaps: z
    .array(
      z.object({
        channel: capChannel,
        max: z
          .number()
          .int()
          .min(1, 'a cap allows at least 1 message')
          .max(1000)
          .meta(label('最多', 'At most')),
        perDays: z.number().int().min(1).max(365).meta(label('天内', 'Per days')),
      }),
    )
    .max(20)
    .meta(label('频控（所有旅程合计）', 'Frequency caps (across all journeys)')),
  /**
   * Outbound calls — webhooks and channel provider endpoints (SMTP hosts too) — may reach private, loopback and
   * link-local addresses (an intranet receiver, a local relay). Off by default (SSRF): those are refused.
   */
  allowPrivateAddresses: z
    .boolean()
    .optional()
    .meta(
      label(
        '允许访问内网地址（Webhook 与渠道接口）',
        'Webhooks and channel endpoints may call private addresses',
      ),
    ),
  /** the old name of `allowPrivateAddresses` (when it covered webhooks only): still read and accepted */
  allowPrivateWebhooks: z
    .boolean()
    .optional()
    .meta(label('（旧名）允许 Webhook 访问内网地址', '(old name) allowPrivateAddresses')),
  /**
   * WeCom lets a customer receive only so many mass messages a month (企业微信群发次数): a budget every journey
   * draws from, kept by the guard stage like a frequency cap (skip or defer to next month: `platform_quota`).
   * Left out: 4; null: no budget.
   */
  wecomMonthlyQuota: z
    .number()
    .int()
    .min(1)
    .max(100)
    .nullable()
    .optional()
    .meta(label('企微群发：每位客户每月最多（条）', 'WeCom mass messages per customer per month')),
  /**
   * Member attribute keys that are personal data: masked (`****`, any case) wherever member attributes reach
   * a caller without `members.pii` (viewers, guides), message previews included. Left out: the defaults.
   */
  personalAttributes: z
    .array(safeText(KEY_MAX_LENGTH, { min: 1, minMessage: 'name an attribute', trim: true, line: true }))
    .max(200)
    .default([...DEFAULT_PERSONAL_ATTRIBUTES])
    .meta(label('个人信息属性（只读角色看到脱敏值）', 'Personal attributes (masked for viewers)')),
});

/** What `PUT /api/settings` takes (either name of the private-address switch; the new one wins). */
export type WorkspaceSettingsInput = z.output<typeof workspaceSettingsSchema>;

export type WorkspaceSettings = WorkspaceSettingsInput & {
  quietHours: QuietHours | null;
  frequencyCaps: FrequencyCap[];
  allowPrivateAddresses: boolean;
  /** always equal to `allowPrivateAddresses`, for clients that know the old name */
  allowPrivateWebhooks: boolean;
};

/** What a workspace starts with: no quiet hours or caps until someone sets them (the UI offers 21:00–09:00). */
export const DEFAULT_SETTINGS = {
  quietHours: null,
  frequencyCaps: [],
  allowPrivateAddresses: false,
  personalAttributes: DEFAULT_PERSONAL_ATTRIBUTES,
} as const;

export async function loadWorkspaceSettings(
  db: Kysely<Database>,
  workspaceId: string,
): Promise<WorkspaceSettings> {
  const row = await db
    .selectFrom('workspaces')
    .select(['timezone', 'settings'])
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const stored = (row.settings ?? {}) as Partial<WorkspaceSettings>;
  const allowPrivate = privateAddressesAllowed(stored);
  return {
    timezone: row.timezone,
    quietHours: stored.quietHours ?? DEFAULT_SETTINGS.quietHours,
    frequencyCaps: stored.frequencyCaps ?? [...DEFAULT_SETTINGS.frequencyCaps],
    allowPrivateAddresses: allowPrivate,
    allowPrivateWebhooks: allowPrivate,
    ...(stored.wecomMonthlyQuota !== undefined ? { wecomMonthlyQuota: stored.wecomMonthlyQuota } : {}),
    personalAttributes: stored.personalAttributes ?? [...DEFAULT_SETTINGS.personalAttributes],
  };
}

/** The member attribute keys a workspace marks as personal (what masking reads on every viewer's answer). */
export async function loadPersonalAttributes(db: Kysely<Database>, workspaceId: string): Promise<string[]> {
  const row = await db
    .selectFrom('workspaces')
    .select('settings')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  const stored = (row?.settings ?? {}) as Partial<WorkspaceSettings>;
  return stored.personalAttributes ?? [...DEFAULT_SETTINGS.personalAttributes];
}

export async function saveWorkspaceSettings(
  db: Kysely<Database>,
  workspaceId: string,
  settings: WorkspaceSettingsInput,
): Promise<WorkspaceSettings> {
  const stored = await loadWorkspaceSettings(db, workspaceId);
  const allowPrivate = privateAddressSwitch(settings, stored.allowPrivateAddresses);
  await db
    .updateTable('workspaces')
    .set({
      timezone: settings.timezone,
      settings: JSON.stringify({
        quietHours: settings.quietHours,
        frequencyCaps: settings.frequencyCaps,
        allowPrivateAddresses: allowPrivate,
        ...(settings.wecomMonthlyQuota !== undefined
          ? { wecomMonthlyQuota: settings.wecomMonthlyQuota }
          : {}),
        personalAttributes: [...new Set(settings.personalAttributes ?? DEFAULT_SETTINGS.personalAttributes)],
      }),
    })
    .where('id', '=', workspaceId)
    .execute();
  return loadWorkspaceSettings(db, workspaceId);
}
