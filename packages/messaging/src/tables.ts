import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely';

export interface InboxTable {
  consumer: string;
  message_id: string;
  received_at: Generated<Date>;
}

/** One header as stored: its name and its bytes in base64 (headers may repeat, bytes are kept exact). */
export type StoredHeader = [name: string, base64: string];

export interface DeadLettersTable {
  id: Generated<bigint>;
  consumer_group: string;
  event_id: string | null;
  event_type: string | null;
  reason: string;
  error_class: string;
  error_message: string;
  attempts: number;
  first_failure_at: Date;
  last_failure_at: Date;
  source_topic: string;
  source_partition: number;
  source_offset: ColumnType<bigint, bigint | string, never>;
  dlq_partition: number;
  dlq_offset: ColumnType<bigint, bigint | string, never>;
  message_key: Buffer | null;
  headers: ColumnType<StoredHeader[], string, never>;
  payload: Buffer | null;
  status: Generated<'parked' | 'replayed' | 'resolved'>;
  replay_id: bigint | null;
  resolved_at: Date | null;
  created_at: Generated<Date>;
}

export interface DlqReplaysTable {
  id: Generated<bigint>;
  consumer_group: string;
  requested_by: string;
  requested_at: Generated<Date>;
  selection: ColumnType<unknown, string, never>;
  dry_run: boolean;
  matched: Generated<number>;
  replayed: Generated<number>;
  result: Generated<'running' | 'succeeded' | 'failed'>;
  error: string | null;
  finished_at: Date | null;
}

export interface MessagingDatabase {
  inbox: InboxTable;
  dead_letters: DeadLettersTable;
  dlq_replays: DlqReplaysTable;
}

export type DeadLetterRow = Selectable<DeadLettersTable>;
export type ReplayRow = Selectable<DlqReplaysTable>;

/**
 * Any service database as the runtime sees it: the app's own `Database` interface need not list
 * these tables (the messaging migrations create them).
 */
export function messagingView<DB>(db: Kysely<DB> | Transaction<DB>): Kysely<MessagingDatabase> {
  return db as unknown as Kysely<MessagingDatabase>;
}
