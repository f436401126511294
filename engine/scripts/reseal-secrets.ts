import { resolve } from 'node:path';
import { createDb } from '../../db/connection.js';
import { ensureDatabase } from '../../db/embedded-postgres.js';
import { migrateToLatestOrThrow } from '../../db/migrate.js';
import { currentSecretKey, oldSecretKey, SecretKeyProblem } from '../channels/secret-box.js';
import { ResealError, resealAll } from '../secrets/reseal.js';

/**
 * `npm run secrets:reseal`: seal every channel credential and workspace secret again under YUTANG_SECRET_KEY.
 *
 * - Rotating the key: `YUTANG_SECRET_KEY_OLD=<the key in use> YUTANG_SECRET_KEY=<the new key> npm run secrets:reseal`,
 *   then start every process with the new key. The old key may be any text the app took before (v1 keys were
 *   any string), or `file:<path>` for a development key file (`data/secret.key`).
 * - Without YUTANG_SECRET_KEY_OLD, the current key re-seals what it sealed as v1 in the v2 format.
 *
 * Same database as the app (`DATABASE_URL`, else the embedded Postgres under YUTANG_DATA_DIR). One transaction:
 * if any value opens with neither key, nothing changes and it exits 1 naming the row.
 */
async function main() {
  const to = currentSecretKey();
  const oldText = process.env.YUTANG_SECRET_KEY_OLD;
  const from = oldText ? oldSecretKey(oldText) : to;
  const dataDir = resolve(process.env.YUTANG_DATA_DIR ?? 'data');
  const database = await ensureDatabase({ dataDir, log: (line) => console.error(line) });
  const db = createDb(database.url, { name: 'reseal', max: 1, statementTimeoutMs: 0 });
  try {
    await migrateToLatestOrThrow(db);
    const counts = await resealAll(db, from, to);
    console.log(
      `re-sealed under ${to.source}: ${counts.channelCredentials} channel credential row(s), ` +
        `${counts.workspaceSecrets} workspace secret(s); ${counts.alreadyCurrent} already current`,
    );
    if (oldText)
      console.log(
        'delivery-report URLs carry a token derived from the key: copy the new ones from 设置 → 消息渠道 into the providers’ consoles',
      );
  } finally {
    await db.destroy();
    await database.stop();
  }
}

main().catch((err) => {
  const known = err instanceof SecretKeyProblem || err instanceof ResealError;
  console.error(known ? err.message : err);
  process.exit(1);
});
