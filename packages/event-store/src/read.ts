import { afterCursor, finishedTransaction, start, type CommitCursor } from '@acme/postgres';
import type { Event, RecordedEvent } from './event.js';
import { store, type Executor } from './executor.js';
import type { EventRow } from './schema.js';

export interface ReadStreamOptions {
  /** First version to return (default 1; backwards: the last). */
  fromVersion?: number;
  /** Last version to return, inclusive (forwards only). */
  toVersion?: number;
  /** Only events recorded at or before this instant (time travel). */
  recordedUpTo?: Date;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
  /** Lift old event shapes to current ones (see `Decider.upcast`). */
  upcast?: ((event: RecordedEvent) => RecordedEvent) | undefined;
}

/**
 * A stream's events in version order. Empty for a stream that does not exist.
 *
 * @example
 *   const last = await readStream(db, 'order-42', { direction: 'backwards', maxCount: 1 });
 */
export async function readStream<E extends Event = Event>(
  db: Executor,
  streamId: string,
  options: ReadStreamOptions = {},
): Promise<RecordedEvent<E>[]> {
  const backwards = options.direction === 'backwards';
  let query = store(db).selectFrom('events').selectAll().where('stream_id', '=', streamId);
  if (options.fromVersion !== undefined)
    query = query.where('version', backwards ? '<=' : '>=', options.fromVersion);
  if (options.toVersion !== undefined) query = query.where('version', '<=', options.toVersion);
  // A Date has milliseconds, recorded_at microseconds: "up to 12:00:00.123" includes everything
  // recorded within that millisecond, so an event's own recordedAt given back finds that event.
  if (options.recordedUpTo !== undefined)
    query = query.where('recorded_at', '<', new Date(options.recordedUpTo.getTime() + 1));
  query = query.orderBy('version', backwards ? 'desc' : 'asc');
  if (options.maxCount !== undefined) query = query.limit(options.maxCount);
  const upcast = options.upcast;
  const rows = await query.execute();
  return rows.map((row) => (upcast ? (upcast(toRecorded(row)) as RecordedEvent<E>) : toRecorded<E>(row)));
}

export interface ReadAllPage<E extends Event = Event> {
  events: RecordedEvent<E>[];
  /** Where the next page starts; the same cursor when nothing new was final yet. */
  next: CommitCursor;
}

/**
 * Every stream's events in commit order, from after `cursor`, for projections and subscribers.
 * Only events of finished transactions are returned, so a transaction that took an early position
 * and commits late is read when it commits, never skipped (see @acme/postgres commit-order).
 *
 * @example
 *   let cursor = start;
 *   for (;;) { const page = await readAll(db, { after: cursor }); …; cursor = page.next; }
 */
export async function readAll<E extends Event = Event>(
  db: Executor,
  options: { after?: CommitCursor; limit?: number } = {},
): Promise<ReadAllPage<E>> {
  const after = options.after ?? start;
  const rows = await store(db)
    .selectFrom('events')
    .selectAll()
    .where(finishedTransaction('transaction_id'))
    .where(afterCursor(after, 'transaction_id', 'global_position'))
    .orderBy('transaction_id')
    .orderBy('global_position')
    .limit(options.limit ?? 1000)
    .execute();
  const last = rows.at(-1);
  return {
    events: rows.map((row) => toRecorded<E>(row)),
    next: last ? { transactionId: last.transaction_id, position: last.global_position } : after,
  };
}

export function toRecorded<E extends Event>(row: EventRow): RecordedEvent<E> {
  return {
    type: row.type,
    data: row.data,
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: row.version,
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    recordedAt: row.recorded_at,
    metadata: row.metadata,
  } as RecordedEvent<E>;
}
