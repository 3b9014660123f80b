import { sql, type RawBuilder } from 'kysely';

/**
 * Reading an append-only table (events, outbox) in commit order without ever skipping a row.
 *
 * A sequence hands out positions when rows are inserted, not when they commit: a transaction can
 * take position 10, stay open, and commit after another one wrote position 11. A reader that
 * checkpointed "after 11" would never see 10. So every row also records its transaction id (xid8),
 * and a reader (1) only takes rows whose transaction is older than the oldest one still running —
 * `pg_snapshot_xmin(pg_current_snapshot())`, so they are final — and (2) orders and checkpoints by
 * (transaction id, position). Every row that becomes visible later belongs to a transaction at
 * least as new as that horizon, hence after the checkpoint.
 */
export interface CommitCursor {
  transactionId: bigint;
  position: bigint;
}

/** Before everything. */
export const start: CommitCursor = { transactionId: 0n, position: 0n };

/**
 * The oldest transaction still running, as SQL: rows of older transactions are final. For
 * statements written out in full (a prepared statement); others use `finishedTransaction`.
 */
export const commitHorizon = 'pg_snapshot_xmin(pg_current_snapshot())';

/** Rows whose transaction has finished: those a commit-order reader may take now. */
export function finishedTransaction(transactionColumn: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(transactionColumn)} < ${sql.raw(commitHorizon)}`;
}

/** Rows strictly after the cursor, in the (transaction id, position) order readers use. */
export function afterCursor(
  cursor: CommitCursor,
  transactionColumn: string,
  positionColumn: string,
): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(transactionColumn)}, ${sql.ref(positionColumn)}) > (${cursor.transactionId.toString()}::xid8, ${cursor.position.toString()}::bigint)`;
}
