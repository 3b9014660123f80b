import { deleteInBatches } from '@acme/postgres';
import { sql, type Kysely, type Transaction } from 'kysely';
import { deadlinesView } from './table.js';

export interface PruneDeadlinesOptions {
  /** Delete fired and cancelled deadlines that finished longer ago than this. */
  olderThanMs: number;
  /** Rows per DELETE, so pruning never holds many locks or one long transaction (default 1000). */
  batchSize?: number;
}

/**
 * Delete fired and cancelled deadlines older than `olderThanMs`, in small batches claimed with SKIP
 * LOCKED so any number of instances may prune at once. Pending deadlines are never touched. Once
 * pruned, a (kind, key) can be scheduled afresh. Returns the rows deleted.
 *
 * @example
 *   await pruneDeadlines(db, { olderThanMs: 7 * 24 * 3600_000 });
 */
export async function pruneDeadlines<DB>(
  db: Kysely<DB> | Transaction<DB>,
  options: PruneDeadlinesOptions,
): Promise<number> {
  const { olderThanMs, batchSize = 1000 } = options;
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0)
    throw new RangeError('olderThanMs must be a non-negative number');
  const deadlines = deadlinesView(db);
  // The expression of the `deadlines_finished` index, so the index serves the search.
  const finishedAt = sql<Date>`coalesce(fired_at, cancelled_at)`;
  return deleteInBatches(batchSize, async () => {
    const result = await deadlines
      .deleteFrom('deadlines')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('deadlines')
          .select('id')
          .where((w) => w.or([w('fired_at', 'is not', null), w('cancelled_at', 'is not', null)]))
          .where(finishedAt, '<', sql<Date>`now() - ${olderThanMs} * interval '1 millisecond'`)
          .limit(batchSize)
          .forUpdate()
          .skipLocked(),
      )
      .executeTakeFirst();
    return result.numDeletedRows;
  });
}
