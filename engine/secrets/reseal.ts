import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { channelCredentialsContext } from '../channels/channel-settings.service.js';
import { isCurrentFormat, open, type SecretKey, seal } from '../channels/secret-box.js';
import { secretContext } from './secrets.service.js';

export interface ResealCounts {
  channelCredentials: number;
  workspaceSecrets: number;
  /** rows already sealed (v2) under the new key: a second run, or rows written after a rotation began */
  alreadyCurrent: number;
}

/** A stored value that neither key opens: nothing was changed. */
export class ResealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResealError';
  }
}

/**
 * Seal every channel credential row and workspace secret again under `to` (v2, HKDF), opening each with `from`
 * (v1 or v2) — in one transaction, rows locked: all are re-sealed or none is. A row that already opens with `to`
 * as v2 is left as it is, so running it twice is harmless. `from` and `to` may be the same key: that upgrades
 * v1 text to v2 in place. Run with the app stopped, or expect sends in flight to be asked again.
 */
export async function resealAll(db: Kysely<Database>, from: SecretKey, to: SecretKey): Promise<ResealCounts> {
  return db.transaction().execute(async (trx) => {
    const counts: ResealCounts = { channelCredentials: 0, workspaceSecrets: 0, alreadyCurrent: 0 };
    /** The value and whether it needs sealing again; throws naming the row when no key opens it. */
    const read = (sealed: string, context: string, what: string): { value: unknown; again: boolean } => {
      if (isCurrentFormat(sealed)) {
        try {
          return { value: open(sealed, context, to), again: false };
        } catch {
          // not under the new key yet
        }
      }
      try {
        return { value: open(sealed, context, from), again: true };
      } catch {
        throw new ResealError(
          `${what} opens with neither ${from.source} nor ${to.source}; nothing was re-sealed`,
        );
      }
    };

    const credentials = await trx
      .selectFrom('channel_credentials')
      .select(['workspace_id', 'channel', 'sealed'])
      .orderBy(['workspace_id', 'channel'])
      .forUpdate()
      .execute();
    for (const row of credentials) {
      const context = channelCredentialsContext(row.workspace_id, row.channel);
      const { value, again } = read(
        row.sealed,
        context,
        `the ${row.channel} credentials of ${row.workspace_id}`,
      );
      if (!again) {
        counts.alreadyCurrent++;
        continue;
      }
      await trx
        .updateTable('channel_credentials')
        .set({ sealed: seal(value, context, to) })
        .where('workspace_id', '=', row.workspace_id)
        .where('channel', '=', row.channel)
        .execute();
      counts.channelCredentials++;
    }

    const secrets = await trx
      .selectFrom('workspace_secrets')
      .select(['workspace_id', 'name', 'sealed'])
      .orderBy(['workspace_id', 'name'])
      .forUpdate()
      .execute();
    for (const row of secrets) {
      const context = secretContext(row.workspace_id, row.name);
      const { value, again } = read(row.sealed, context, `the secret ${row.name} of ${row.workspace_id}`);
      if (!again) {
        counts.alreadyCurrent++;
        continue;
      }
      // a re-seal is not a replacement: who/when of the secret stay as they were
      await trx
        .updateTable('workspace_secrets')
        .set({ sealed: seal(value, context, to) })
        .where('workspace_id', '=', row.workspace_id)
        .where('name', '=', row.name)
        .execute();
      counts.workspaceSecrets++;
    }
    return counts;
  });
}
