import type { Kysely } from 'kysely';
import type { EventStoreDatabase } from './schema.js';

/**
 * A connection or transaction of any app database that contains the event store's tables. Apps pass
 * their own `Kysely<AppDatabase>`; the store only ever touches its own tables.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's Database type is accepted
export type Executor = Kysely<any>;

export function store(db: Executor): Kysely<EventStoreDatabase> {
  return db as Kysely<EventStoreDatabase>;
}
