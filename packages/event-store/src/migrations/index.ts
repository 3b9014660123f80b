import type { MigrationSet } from '@acme/postgres';
import * as createEventStore from './20261123_090000_create_event_store.js';
import * as appendFunction from './20261123_120000_append_function.js';
import * as appendByUniqueVersion from './20261204_200000_append_by_unique_version.js';

/** The event store's tables, tracked as the `event_store` set: `migrate(db, eventStoreMigrations)`. */
export const eventStoreMigrations: MigrationSet = {
  name: 'event_store',
  migrations: {
    '20261123_090000_create_event_store': createEventStore,
    '20261123_120000_append_function': appendFunction,
    '20261204_200000_append_by_unique_version': appendByUniqueVersion,
  },
};
