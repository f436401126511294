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
