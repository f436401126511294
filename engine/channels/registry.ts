import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Localized, MemberSnapshot } from '../nodes/define-node.js';
import { type ChannelDefinition, destinationFieldsOf } from './define-channel.js';

/** What `GET /api/channels` serves for one channel: the message node's form for it and the settings form. */
export interface ChannelInfo {
  id: string;
  label: Localized;
  description: Localized;
  addressLabel: Localized;
  /** JSON Schema of the message form (the message node's `content` on this channel) */
  messageSchema: Record<string, unknown>;
  /** JSON Schema of the workspace credentials (settings) */
  credentialsSchema: Record<string, unknown>;
  publicFields: string[];
  /** changing one of these needs the secret fields typed again (settings say so next to them) */
  destinationFields: string[];
  hasCallback: boolean;
  monthlyQuota: { setting: string; default: number } | null;
}

export class ChannelRegistry {
  private readonly byId = new Map<string, ChannelDefinition>();

  constructor(definitions: ChannelDefinition[]) {
    const sorted = [...definitions].sort((a, b) => (a.order ?? 1000) - (b.order ?? 1000));
    for (const def of sorted) {
      if (this.byId.has(def.id)) throw new Error(`channel ${def.id} is defined twice`);
      this.byId.set(def.id, def);
    }
  }

  get(id: string): ChannelDefinition | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  all(): ChannelDefinition[] {
    return [...this.byId.values()];
  }

  describe(): ChannelInfo[] {
    const schema = (s: z.ZodType) =>
      z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return this.all().map((def) => ({
      id: def.id,
      label: def.label,
      description: def.description,
      addressLabel: def.addressLabel,
      messageSchema: schema(def.message),
      credentialsSchema: schema(def.credentials),
      publicFields: def.publicFields ?? [],
      destinationFields: destinationFieldsOf(def),
      hasCallback: !!def.parseCallback,
      monthlyQuota: def.monthlyQuota ?? null,
    }));
  }
}

const channelsDir = dirname(fileURLToPath(import.meta.url));

/** Every `*.channel.ts` in engine/channels is a channel (extra folders may be passed, e.g. a brand's own). */
export async function loadChannelRegistry(extraDirs: string[] = []): Promise<ChannelRegistry> {
  const files = [channelsDir, ...extraDirs]
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((f) => /\.channel\.(ts|js|mjs)$/.test(f))
        .map((f) => `${dir}/${f}`),
    )
    .sort();
  const defs: ChannelDefinition[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(file).href)) as { default?: ChannelDefinition };
    if (!mod.default?.id) throw new Error(`${file} must default-export defineChannel({...})`);
    defs.push(mod.default);
  }
  return new ChannelRegistry(defs);
}

/**
 * The built-in channels, loaded once per process. Module-level on purpose: the message node's schema, the guard
 * stage and settings all need the same list, and channels are code, not data (a new one needs a restart).
 */
export const channels: ChannelRegistry = await loadChannelRegistry();

/**
 * Where a channel reaches the member: with the workspace's provider (`configured`) the channel's own `address`;
 * with the sandbox its `sandboxAddress`. A channel without a file (push) uses the external id.
 */
export function addressFor(
  channel: string,
  member: Pick<MemberSnapshot, 'phone' | 'email' | 'externalId' | 'attributes'>,
  configured = false,
): string | null {
  const def = channels.get(channel);
  if (!def) return member.externalId;
  const m = member as MemberSnapshot;
  return configured || !def.sandboxAddress ? def.address(m) : def.sandboxAddress(m);
}
