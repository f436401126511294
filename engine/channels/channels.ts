import { enumLabels } from '../nodes/schemas.js';
import { addressFor, channels } from './registry.js';

export { addressFor };

/**
 * The channels a message can go out on: one per `*.channel.ts` file, plus `push` (no provider yet: always the
 * sandbox). Built at start from the registry, so a new channel file is offered everywhere without an edit here.
 */
export const CHANNELS = [...channels.ids(), 'push'] as unknown as [string, ...string[]];
export type Channel = string;

export const channelLabels: Record<string, { zh: string; en: string }> = {
  ...Object.fromEntries(channels.all().map((c) => [c.id, c.label])),
  push: { zh: 'App 推送', en: 'App push' },
};

export const channelEnumMeta = enumLabels(channelLabels);
