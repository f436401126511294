export { createDb } from './connection.js';
export { type Database, DEFAULT_WORKSPACE } from './database.js';
export { migrateToLatest, migrateToLatestOrThrow } from './migrate.js';
