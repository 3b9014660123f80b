import { connect, migrate } from '@acme/postgres';
import { scratchDatabase, testStack } from '@acme/testing';
import type { Kysely } from 'kysely';
import { eventStoreMigrations, type EventStoreDatabase } from '../../src/index.js';

/** A migrated event store in a database of its own, for one test file. */
export async function openStore(
  max = 10,
): Promise<{ db: Kysely<EventStoreDatabase>; close: () => Promise<void> }> {
  const scratch = await scratchDatabase(testStack(), 'event_store_test');
  const db = connect<EventStoreDatabase>({ url: scratch.url, max });
  await migrate(db, eventStoreMigrations);
  return {
    db,
    async close() {
      await db.destroy();
      await scratch.drop();
    },
  };
}

/** How many events and streams exist: "nothing written" assertions compare these. */
export async function counts(db: Kysely<EventStoreDatabase>): Promise<{ events: number; streams: number }> {
  const row = await db
    .selectFrom('events')
    .select((e) => [
      e.fn.countAll<bigint>().as('events'),
      e.fn.count<bigint>('stream_id').distinct().as('streams'),
    ])
    .executeTakeFirstOrThrow();
  return { events: Number(row.events), streams: Number(row.streams) };
}
