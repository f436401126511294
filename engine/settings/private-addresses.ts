import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * The workspace switch that lets outbound calls — webhooks, channel provider endpoints, SMTP hosts — reach
 * private, loopback and link-local addresses. Its own small module: channel files read it while the channel
 * registry is still loading, and the full settings module imports the registry.
 */
export function privateAddressesAllowed(stored: {
  allowPrivateAddresses?: unknown;
  allowPrivateWebhooks?: unknown;
}): boolean {
  // rows written before the rename carry only the old key
  return (stored.allowPrivateAddresses ?? stored.allowPrivateWebhooks) === true;
}

export async function allowsPrivateAddresses(db: Kysely<Database>, workspaceId: string): Promise<boolean> {
  const row = await db
    .selectFrom('workspaces')
    .select('settings')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  return privateAddressesAllowed((row?.settings ?? {}) as Record<string, unknown>);
}

/**
 * The private-address switch from a PUT that may carry either name. A client that read both and changed one sends
 * them different: the one that differs from what is stored is the change. Neither given: off (a PUT replaces all).
 */
export function privateAddressSwitch(
  given: { allowPrivateAddresses?: boolean; allowPrivateWebhooks?: boolean },
  stored: boolean,
): boolean {
  const { allowPrivateAddresses: now, allowPrivateWebhooks: old } = given;
  if (now !== undefined && old !== undefined && now !== old) return !stored;
  return (now ?? old) === true;
}
