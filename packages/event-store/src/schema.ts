import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { EventMetadata } from './metadata.js';

/**
 * The log itself. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. A stream is its
 * events; its version is the last one's.
 */
export interface EventsTable {
  global_position: Generated<bigint>;
  transaction_id: Generated<bigint>;
  stream_id: string;
  stream_type: string;
  version: number;
  type: string;
  data: ColumnType<unknown, string, never>;
  metadata: ColumnType<EventMetadata, string, never>;
  schema_version: number;
  recorded_at: Generated<Date>;
}

export interface SnapshotsTable {
  stream_id: string;
  version: number;
  schema_version: number;
  state: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

/** The first result of a command, by its idempotency key. */
export interface CommandResultsTable {
  idempotency_key: string;
  /** Hash of the command, so a key reused for a different command is refused, not answered. */
  fingerprint: string;
  result: ColumnType<unknown, string, never>;
  created_at: Generated<Date>;
}

export interface EventStoreDatabase {
  events: EventsTable;
  snapshots: SnapshotsTable;
  command_results: CommandResultsTable;
}

export type EventRow = Selectable<EventsTable>;
export type NewEventRow = Insertable<EventsTable>;
