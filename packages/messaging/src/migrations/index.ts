import type { MigrationSet } from '@acme/postgres';
import * as m20261123_140000 from './20261123_140000_messaging.js';

/**
 * The consumer runtime's tables (inbox, dead-letter index, replay audit), for `migrate` of
 * `@acme/postgres`, in every service database that consumes.
 *
 * @example
 *   await migrate(db, eventStoreMigrations, outboxMigrations, messagingMigrations);
 */
export const messagingMigrations: MigrationSet = {
  name: 'messaging',
  migrations: { '20261123_140000_messaging': m20261123_140000 },
};
