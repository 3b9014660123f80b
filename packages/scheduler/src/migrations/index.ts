import type { MigrationSet } from '@acme/postgres';
import * as m20261123_160000 from './20261123_160000_deadlines.js';

/**
 * The deadlines table and its indexes, for `migrate` of `@acme/postgres`.
 *
 * @example
 *   await migrate(db, eventStoreMigrations, outboxMigrations, schedulerMigrations);
 */
export const schedulerMigrations: MigrationSet = {
  name: 'scheduler',
  migrations: { '20261123_160000_deadlines': m20261123_160000 },
};
