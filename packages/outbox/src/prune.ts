import { deleteInBatches } from '@acme/postgres';
import { sql, type Kysely, type Transaction } from 'kysely';
import { outboxView } from './table.js';

export interface PruneOptions {
  /** Keep dispatched rows this long, for inspection and replay (default 24 h). */
  retentionMs?: number;
  /** Rows per DELETE, so pruning never holds many locks or one long transaction (default 1000). */
  batchSize?: number;
}

/**
 * Delete dispatched rows older than the retention, in small batches claimed with SKIP LOCKED so any
 * number of instances may prune at once. Pending rows are never touched. Returns the rows deleted.
 *
 * @example
 *   await pruneOutbox(db, { retentionMs: 24 * 3600_000 });
 */
export async function pruneOutbox<DB>(
  db: Kysely<DB> | Transaction<DB>,
  options: PruneOptions = {},
): Promise<number> {
  const retentionMs = options.retentionMs ?? 24 * 3600_000;
  const batchSize = options.batchSize ?? 1000;
  const outbox = outboxView(db);
  return deleteInBatches(batchSize, async () => {
    const result = await outbox
      .deleteFrom('outbox')
      .where('position', 'in', (eb) =>
        eb
          .selectFrom('outbox')
          .select('position')
          .where('dispatched_at', '<', sql<Date>`now() - ${retentionMs} * interval '1 millisecond'`)
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst();
    return result.numDeletedRows;
  });
}
