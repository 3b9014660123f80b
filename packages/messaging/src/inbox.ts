import { deleteInBatches } from '@acme/postgres';
import { sql, type Kysely } from 'kysely';
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
  const m = messagingView(db);
  const cutoff = new Date(Date.now() - olderThanMs);
  return deleteInBatches(batchSize, async () => {
    const result = await m
      .deleteFrom('inbox')
      .where(
        sql<boolean>`(consumer, message_id) IN (
          SELECT consumer, message_id FROM inbox WHERE received_at < ${cutoff} LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED)`,
      )
      .executeTakeFirst();
    return result.numDeletedRows;
  });
}
