import type { MemberSnapshot } from '../nodes/define-node.js';
import { enumLabels } from '../nodes/schemas.js';

/** The channels a message can go out on. */
export const CHANNELS = ['sms', 'wechat', 'wecom', 'email', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];

export const channelLabels = {
  sms: { zh: '短信', en: 'SMS' },
  wechat: { zh: '公众号', en: 'WeChat' },
  wecom: { zh: '企微导购', en: 'WeCom' },
  email: { zh: '邮件', en: 'Email' },
  push: { zh: 'App 推送', en: 'App push' },
} satisfies Record<Channel, { zh: string; en: string }>;

export const channelEnumMeta = enumLabels(channelLabels);

/** Where a channel reaches the member. WeChat/WeCom/push adapters map the brand's member id themselves. */
export function addressFor(
  channel: string,
  member: Pick<MemberSnapshot, 'phone' | 'email' | 'externalId'>,
): string | null {
  if (channel === 'sms') return member.phone;
  if (channel === 'email') return member.email;
  return member.externalId;
}
