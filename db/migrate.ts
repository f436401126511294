import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as m0001 from './migrations/0001-initial.js';
import * as m0002 from './migrations/0002-run-trigger-event.js';
import * as m0003 from './migrations/0003-journey-rules.js';
import * as m0004 from './migrations/0004-audiences.js';
import * as m0005 from './migrations/0005-run-counts.js';
import * as m0006 from './migrations/0006-event-delivery.js';
import * as m0007 from './migrations/0007-list-indexes.js';
import * as m0008 from './migrations/0008-accounts.js';
import * as m0009 from './migrations/0009-run-counts-per-statement.js';
import * as m0010 from './migrations/0010-channels.js';
import * as m0011 from './migrations/0011-staff-messages.js';
import * as m0012 from './migrations/0012-guides.js';
import * as m0014 from './migrations/0014-node-versions.js';
import * as m0015 from './migrations/0015-account-proofs.js';
import * as m0016 from './migrations/0016-workspace-secrets.js';
import * as m0017 from './migrations/0017-journey-results.js';
import * as m0018 from './migrations/0018-links.js';
import * as m0020 from './migrations/0020-member-search.js';
import * as m0021 from './migrations/0021-coupon-kinds-tags-events.js';
import * as m0022 from './migrations/0022-sdk-identities.js';

// Static list rather than a folder scan: works the same under tsx, bundlers and compiled output.
const migrations: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-run-trigger-event': m0002,
  '0003-journey-rules': m0003,
  '0004-audiences': m0004,
  '0005-run-counts': m0005,
  '0006-event-delivery': m0006,
  '0007-list-indexes': m0007,
  '0008-accounts': m0008,
  '0009-run-counts-per-statement': m0009,
  '0010-channels': m0010,
  '0011-staff-messages': m0011,
  '0012-guides': m0012,
  '0014-node-versions': m0014,
  '0015-account-proofs': m0015,
  '0016-workspace-secrets': m0016,
  '0017-journey-results': m0017,
  '0018-links': m0018,
  '0020-member-search': m0020,
  '0021-coupon-kinds-tags-events': m0021,
  '0022-sdk-identities': m0022,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Bring the schema up to date; runs at every start-up. Concurrent starters are serialized by Kysely's lock table. */
export async function migrateToLatestOrThrow(db: Kysely<any>): Promise<void> {
  // Numbers are handed out to parallel branches that land in any order (0018 may reach a database before 0017):
  // a missing earlier migration is applied rather than refused.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}

/** Bring the schema to one named migration (tests of a migration's data conversion start below it). */
export async function migrateToOrThrow(db: Kysely<any>, name: string): Promise<void> {
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateTo(
    name,
  );
  if (error || results?.some((r) => r.status === 'Error'))
    throw new Error(`database migration to ${name} failed: ${String(error)}`);
}

/** Alias kept for callers that read better without the suffix. */
export const migrateToLatest = migrateToLatestOrThrow;
