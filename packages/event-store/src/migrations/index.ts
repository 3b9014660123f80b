import type { MigrationSet } from '@acme/postgres';
import * as createEventStore from './20261123_090000_create_event_store.js';
import * as appendFunction from './20261123_120000_append_function.js';

/**
 * The event store's tables, tracked as the `event_store` set: `migrate(db, eventStoreMigrations)`.
 *
 * The `streams` table and the `event_store_append` function of the first two are no longer used
 * (an append is one guarded INSERT now, see append.ts). They stay until every instance of the
 * releases that still call them is gone — dropping them here would fail those instances' appends
 * in a rolling deploy, and stop a rolled-back build from starting — and go in a later migration.
 */
export const eventStoreMigrations: MigrationSet = {
  name: 'event_store',
  migrations: {
    '20261123_090000_create_event_store': createEventStore,
    '20261123_120000_append_function': appendFunction,
  },
};
