import { commitHorizon, executePrepared, preparedStatement, start, type CommitCursor } from '@acme/postgres';
import { sql, type Kysely } from 'kysely';
import type { OutboxDatabase } from './table.js';

export interface PendingRow {
  position: bigint;
  /** With `position`, where the row stands in commit order: the next read can start after it. */
  transaction_id: bigint;
  topic: string;
  key: string;
  headers: Record<string, string>;
  payload: Buffer;
}

/** (topic, key) pairs the relay holds back while they wait out a backoff. */
export interface HeldKeys {
  topics: string[];
  keys: string[];
}

/**
 * The next pending rows in commit order (see `@acme/postgres` commit-order): only from finished
 * transactions, so a transaction that took an early position and commits late is read when it
 * commits, never skipped. Held keys are left out entirely — all of their rows — so a failing key
 * can neither be overtaken by its own later messages nor fill the batch and starve other keys.
 * The batch stops once it holds `maxBytes` of payload (always at least one row), which keeps every
 * produce request under the broker's size limit.
 *
 * `after` starts the read after a row already read, on the pending index, instead of at its
 * beginning: every pending row before it must be in flight. Without it the read walks past every
 * row sent or dispatched since the last vacuum — and compared each with the rows in flight.
 */
export async function readPending(
  db: Kysely<OutboxDatabase>,
  limit: number,
  maxBytes: number,
  held: HeldKeys,
  /** Rows sent but not marked yet (the relay marks one batch while it reads the next). */
  inFlight: readonly bigint[] = [],
  after: CommitCursor = start,
): Promise<PendingRow[]> {
  return executePrepared<PendingRow>(db, readStatement, [
    after.transactionId.toString(),
    after.position.toString(),
    limit,
    maxBytes,
    held.topics,
    held.keys,
    inFlight.map(String),
  ]);
}

// One statement for every read, prepared: parsed and planned once per connection of the relay.
// Empty arrays hold nothing back.
const readStatement = preparedStatement(
  'outbox_read_pending',
  `SELECT position, transaction_id, topic, key, headers, payload FROM (
     SELECT *, sum(octet_length(payload)) OVER (ORDER BY transaction_id, position)
               - octet_length(payload) AS bytes_before
     FROM (
       SELECT position, transaction_id, topic, key, headers, payload FROM outbox
        WHERE dispatched_at IS NULL AND transaction_id < ${commitHorizon}
          AND (transaction_id, position) > ($1::xid8, $2::bigint)
          AND (topic, key) NOT IN (SELECT * FROM unnest($5::text[], $6::text[]))
          AND position <> ALL($7::bigint[])
        ORDER BY transaction_id, position
        LIMIT $3
     ) pending
   ) sized
   WHERE bytes_before < $4
   ORDER BY transaction_id, position`,
);

const markStatement = preparedStatement(
  'outbox_mark_dispatched',
  'UPDATE outbox SET dispatched_at = now() WHERE position = ANY($1::bigint[])',
);

/** After the broker acknowledged them; one UPDATE per batch. */
export async function markDispatched(db: Kysely<OutboxDatabase>, positions: bigint[]): Promise<void> {
  if (positions.length > 0) await executePrepared(db, markStatement, [positions.map(String)]);
}

/** Rows stay pending; the attempt count and error are for people looking at a stuck message. */
export async function recordFailure(
  db: Kysely<OutboxDatabase>,
  positions: bigint[],
  error: string,
): Promise<void> {
  if (positions.length === 0) return;
  await db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 2000) }))
    .where('position', '=', sql<bigint>`ANY(${positions.map(String)}::bigint[])`)
    .execute();
}

export interface Backlog {
  pending: number;
  oldestAgeSeconds: number;
}

export async function backlog(db: Kysely<OutboxDatabase>): Promise<Backlog> {
  const row = await db
    .selectFrom('outbox')
    .select([
      sql<string>`count(*)`.as('pending'),
      sql<number | null>`extract(epoch from now() - min(created_at))::float8`.as('age'),
    ])
    .where('dispatched_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { pending: Number(row.pending), oldestAgeSeconds: row.age ?? 0 };
}
