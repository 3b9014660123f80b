import { deleteInBatches } from '@acme/postgres';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { messagingView } from './tables.js';

/**
 * Delete inbox rows older than `olderThanMs` (default 7 days), in batches so no lock is held long.
 * The inbox only needs to remember events that can still be redelivered: keep rows longer than the
 * topics' retention plus the longest a consumer may be down. Any instance may run it.
 *
 * @example
 *   const removed = await pruneInbox(db, { olderThanMs: 14 * 24 * 3600_000 });
 */
export async function pruneInbox<DB>(
  db: Kysely<DB>,
  { olderThanMs = 7 * 24 * 3600_000, batchSize = 5_000 }: { olderThanMs?: number; batchSize?: number } = {},
): Promise<number> {
  const cutoff = new Date(Date.now() - olderThanMs);
  return deleteInboxRows(db, sql<boolean>`received_at < ${cutoff}`, batchSize);
}

/**
 * Delete every inbox row of a consumer group that is gone for good (e.g. a dropped read-model
 * generation), in batches. Returns the rows deleted.
 *
 * @example
 *   await forgetConsumer(db, 'analytics.g1');
 */
export async function forgetConsumer<DB>(
  db: Kysely<DB>,
  consumer: string,
  batchSize = 5_000,
): Promise<number> {
  return deleteInboxRows(db, sql<boolean>`consumer = ${consumer}`, batchSize);
}

function deleteInboxRows<DB>(db: Kysely<DB>, which: RawBuilder<boolean>, batchSize: number): Promise<number> {
  const m = messagingView(db);
  return deleteInBatches(batchSize, async () => {
    const result = await m
      .deleteFrom('inbox')
      .where(
        sql<boolean>`(consumer, message_id) IN (
          SELECT consumer, message_id FROM inbox WHERE ${which} LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED)`,
      )
      .executeTakeFirst();
    return result.numDeletedRows;
  });
}
