import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../../db/database.js';
import type { MemberSnapshot } from '../nodes/define-node.js';
import {
  deleteSealedCredentials,
  findSealedCredentials,
  listSealedCredentials,
  upsertSealedCredentials,
} from './channel-credentials.repository.js';
import { type ChannelDefinition, destinationFieldsOf, secretFieldsOf } from './define-channel.js';
import { addressFor, channels } from './registry.js';
import { derivedToken, legacyDerivedToken, open, seal } from './secret-box.js';

/** What settings show of a channel's credentials: which fields are set and the non-secret values — never a secret. */
export interface ChannelSettingsView {
  channel: string;
  configured: boolean;
  /** names of the fields that hold a value (secret ones included, their values never) */
  fieldsSet: string[];
  /** values of the channel's `publicFields` (endpoint, sender, corp id …) */
  values: Record<string, unknown>;
  updatedAt: string | null;
  /** where the provider posts delivery reports (only for those who may edit settings; it carries a token) */
  callbackPath?: string;
}

export type ChannelSettingsErrorCode = 'unknown_channel' | 'invalid_credentials' | 'not_configured';

export class ChannelSettingsError extends Error {
  constructor(
    readonly code: ChannelSettingsErrorCode,
    message: string,
    readonly issues: { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ChannelSettingsError';
  }
}

const context = (workspaceId: string, channel: string) => `channel:${workspaceId}:${channel}`;
/** The sealing context of a workspace's credentials for a channel, for re-sealing (engine/secrets/reseal.ts). */
export const channelCredentialsContext = context;

/**
 * Every message asks for its channel's credentials (the guard for the address, the send for the account): a
 * process keeps what it read for a few seconds. A change made in this process is seen at once; another process
 * (a separate worker) sees it within CACHE_MS.
 */
const CACHE_MS = 5_000;
const cache = new Map<string, { at: number; value: Record<string, unknown> | null }>();

/** Drop this process's copy (after a change commits: a reader between the change and its commit kept the old). */
export function forgetChannelCredentials(workspaceId: string, channel: string): void {
  cache.delete(context(workspaceId, channel));
}

async function cachedCredentials(
  db: Kysely<Database>,
  workspaceId: string,
  channel: string,
): Promise<Record<string, unknown> | null> {
  const key = context(workspaceId, channel);
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const row = await findSealedCredentials(db, workspaceId, channel);
  const value = row ? open<Record<string, unknown>>(row.sealed, key) : null;
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { at: Date.now(), value });
  return value;
}

export function channelOrThrow(id: string): ChannelDefinition {
  const def = channels.get(id);
  if (!def) throw new ChannelSettingsError('unknown_channel', `no channel ${id}`);
  return def;
}

/** The workspace's credentials for a channel, opened; null when none are stored (the sandbox sends). */
export async function loadChannelCredentials(
  db: Kysely<Database>,
  workspaceId: string,
  channel: string,
): Promise<Record<string, unknown> | null> {
  return cachedCredentials(db, workspaceId, channel);
}

/** The channels whose provider this workspace configured (the others go through the sandbox). */
export async function configuredChannels(db: Kysely<Database>, workspaceId: string): Promise<Set<string>> {
  const ids = channels.all().map((c) => c.id);
  const creds = await Promise.all(ids.map((id) => cachedCredentials(db, workspaceId, id)));
  return new Set(ids.filter((_, i) => creds[i] !== null));
}

/** The member's address on a channel in this workspace: the provider's kind when one is configured, else the sandbox's. */
export async function memberAddress(
  db: Kysely<Database>,
  workspaceId: string,
  channel: string,
  member: MemberSnapshot,
): Promise<string | null> {
  const configured = channels.get(channel) ? !!(await cachedCredentials(db, workspaceId, channel)) : false;
  return addressFor(channel, member, configured);
}

/** The token a provider's delivery reports must carry for this workspace and channel (derived, not stored). */
export function callbackToken(workspaceId: string, channel: string): string {
  return derivedToken(`callback:${workspaceId}:${channel}`);
}

/**
 * Tokens a delivery report may carry: today's, and the one derived the way it was before HKDF, so report URLs
 * given to providers before keep working under the same key (a new key changes both).
 */
export function acceptedCallbackTokens(workspaceId: string, channel: string): string[] {
  const purpose = `callback:${workspaceId}:${channel}`;
  return [derivedToken(purpose), legacyDerivedToken(purpose)];
}

export function callbackPath(workspaceId: string, channel: string): string {
  return `/api/channels/${channel}/callback/${encodeURIComponent(workspaceId)}?token=${callbackToken(workspaceId, channel)}`;
}

/**
 * Store a channel's credentials. Fields left out (or blank) keep their stored value; the result must satisfy the
 * channel's credentials schema. Changing where requests go (an endpoint, an SMTP host, port or TLS switch) needs
 * every stored secret typed again (issue 14, M1): otherwise whoever may edit settings could send the stored
 * AppSecret or password to an address of their choosing without ever knowing it.
 */
export async function saveChannelCredentials(
  db: Kysely<Database>,
  workspaceId: string,
  channel: string,
  input: Record<string, unknown>,
): Promise<ChannelSettingsView> {
  const def = channelOrThrow(channel);
  // the stored row itself, never the cache: a merge must not bring back a value another process replaced
  const row = await findSealedCredentials(db, workspaceId, channel);
  const stored = row ? open<Record<string, unknown>>(row.sealed, context(workspaceId, channel)) : {};
  const given = Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== '' && v !== null && v !== undefined),
  );
  const parsed = def.credentials.safeParse({ ...stored, ...given });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    throw new ChannelSettingsError(
      'invalid_credentials',
      `${issues[0]?.field}: ${issues[0]?.message}`,
      issues,
    );
  }
  const value = parsed.data as Record<string, unknown>;
  if (row) {
    const moved = destinationFieldsOf(def).filter(
      (f) => JSON.stringify(value[f]) !== JSON.stringify(stored[f]),
    );
    const notRetyped = secretFieldsOf(def).filter(
      (f) => stored[f] !== undefined && stored[f] !== '' && !(f in given),
    );
    if (moved.length && notRetyped.length) {
      const message = `type it again: changing ${moved.join(', ')} changes where it is sent`;
      throw new ChannelSettingsError(
        'invalid_credentials',
        `${notRetyped[0]}: ${message}`,
        notRetyped.map((field) => ({ field, message })),
      );
    }
  }
  const fields = Object.keys(value).filter((k) => value[k] !== undefined && value[k] !== '');
  cache.delete(context(workspaceId, channel));
  await upsertSealedCredentials(db, {
    workspaceId,
    channel,
    sealed: seal(value, context(workspaceId, channel)),
    fields,
  });
  return (await channelSettingsViews(db, workspaceId, true)).find(
    (v) => v.channel === channel,
  ) as ChannelSettingsView;
}

export async function removeChannelCredentials(db: Kysely<Database>, workspaceId: string, channel: string) {
  channelOrThrow(channel);
  cache.delete(context(workspaceId, channel));
  if (!(await deleteSealedCredentials(db, workspaceId, channel)))
    throw new ChannelSettingsError('not_configured', `channel ${channel} has no credentials`);
}

/** Every channel, configured or not; secrets never leave this function. */
export async function channelSettingsViews(
  db: Kysely<Database>,
  workspaceId: string,
  withCallback: boolean,
): Promise<ChannelSettingsView[]> {
  const rows = new Map((await listSealedCredentials(db, workspaceId)).map((r) => [r.channel, r]));
  return channels.all().map((def) => {
    const row = rows.get(def.id);
    let values: Record<string, unknown> = {};
    if (row) {
      const opened = open<Record<string, unknown>>(row.sealed, context(workspaceId, def.id));
      values = Object.fromEntries(
        (def.publicFields ?? []).filter((f) => f in opened).map((f) => [f, opened[f]]),
      );
    }
    return {
      channel: def.id,
      configured: !!row,
      fieldsSet: row ? [...row.fields] : [],
      values,
      updatedAt: row ? row.updated_at.toISOString() : null,
      ...(withCallback && def.parseCallback ? { callbackPath: callbackPath(workspaceId, def.id) } : {}),
    };
  });
}

export type CredentialsOf<D> = D extends ChannelDefinition<infer C> ? z.infer<C> : never;
