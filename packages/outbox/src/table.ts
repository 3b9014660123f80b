import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely';

/** The `outbox` table as kysely sees it; positions and transaction ids arrive as bigint. */
export interface OutboxTable {
  position: Generated<bigint>;
  transaction_id: Generated<bigint>;
  topic: string;
  key: string;
  headers: ColumnType<Record<string, string>, string, string>;
  payload: Buffer;
  created_at: Generated<Date>;
  dispatched_at: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface OutboxDatabase {
  outbox: OutboxTable;
}

export type OutboxRow = Selectable<OutboxTable>;

/** NOTIFY channel of the wake-up trigger. */
export const notifyChannel = 'outbox';

/**
 * Any service database as the outbox sees it. The app's own `Database` interface need not list the
 * outbox table (the outbox migrations create it), so the table is typed here, not there.
 */
export function outboxView<DB>(db: Kysely<DB> | Transaction<DB>): Kysely<OutboxDatabase> {
  return db as unknown as Kysely<OutboxDatabase>;
}
