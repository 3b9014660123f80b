import type { MigrationSet } from '@acme/postgres';
import * as m20261123_100000 from './20261123_100000_outbox.js';

/**
 * The outbox table, its indexes and its wake-up trigger, for `migrate` of `@acme/postgres`.
 *
 * @example
 *   await migrate(db, eventStoreMigrations, outboxMigrations);
 */
export const outboxMigrations: MigrationSet = {
  name: 'outbox',
  migrations: { '20261123_100000_outbox': m20261123_100000 },
};
