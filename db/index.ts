export { createDb, type DbOptions, poolOf } from './connection.js';
export { type Database, DEFAULT_WORKSPACE } from './database.js';
export { isDatabaseUnavailable } from './errors.js';
export { migrateToLatest, migrateToLatestOrThrow } from './migrate.js';
